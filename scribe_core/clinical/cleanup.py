"""Note-text cleanup: what is said aloud but never belongs in a note.

Fillers ("um", "you know"), stutters and false starts ("your- your", "i , i", "s- , amazing"),
spacing left by ASR (" ," " ."), and dictation or voice-assistant commands ("hey dragon, show me the
ecg"). Only the text of a note statement is cleaned; the transcript itself is never changed.
"""

from __future__ import annotations

import re

_FILLERS = re.compile(
    # "er" after an article is the emergency room ("any medications in the er?"), not a filler.
    r"(?<![\w'-])(?:u+m+|u+h+m*|h+m+|e+r+m+|m+h+m+|mm+|ah+|oh|(?<!the )(?<!an )er|uh-huh|i mean|like i said|"
    r"you know(?!\s+(?:of|that|what|how|if|about|when|where|who|why|it|him|her|them))|"
    r"sort of|kind of|okay so|alright so|all right so|so yeah|yeah so|you see)(?![\w'-])\s*,?\s*",
    re.IGNORECASE)
# A word cut off and restarted: "your- your", "s- , amazing", "re- re-".
_FALSE_START = re.compile(r"\b[a-z']{1,12}-\s*,?\s+(?=[a-z])", re.IGNORECASE)
# A word or two said twice: "i , i", "have , have", "the the", "to the , to the".
# Letters only: a repeated number ("twenty twenty") is content, not a stutter.
_NUMBER_WORDS = (r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|"
                 r"forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)")
_REPEAT = re.compile(rf"\b(?!{_NUMBER_WORDS}\b)([a-z']+(?: [a-z']+)?)(?:\s*,?\s+\1\b)+", re.IGNORECASE)
_SPACE_PUNCT = re.compile(r"\s+([,.;:?!%])")
_MULTI_COMMA = re.compile(r"(,\s*){2,}")
_LEADING = re.compile(r"^(?:\s*(?:and|so|but|well|okay|ok|alright|all right|yeah|yes|now|then|um|uh|"
                      r"right|also|because|cause|plus|anyway|oh),?\s+)+", re.IGNORECASE)
# Voice-assistant and dictation commands addressed to the recording system, not to the patient.
_COMMAND = re.compile(r"\b(hey|hi|okay|ok)\s*,?\s*(dragon|dax|siri|alexa|computer)\b|^\s*(dragon|dax)\s*,|"
                      r"\bfinalize (the|this) (note|report)\b|"
                      r"\bplease (summarize|include|add|document|put|insert|note)\b|"
                      r"^\W*(?:(?:um|uh|and|so|okay|now)\W+)*(in|for) the (assessment|plan)\b.*\b(please|include)\b|"
                      r"\b(end|stop|pause) (the )?recording\b|"
                      r"\bfinish (?:off )?the note\b|"
                      r"^\s*(?:and |so |okay,? |ok,? )?(?:show|pull up|open) (?:me |us )?(?:the|her|his|your) "
                      r"(?:[\w-]+ ){0,3}?(?:x-?rays?|labs?|results?|vitals?|vital signs|blood pressure|echo\w*|ekg|ecg|"
                      r"mri|ct|scan|panel|imaging|images?|ultrasound|creatinine|readings?)\b",
                      re.IGNORECASE)
# Short dictation to the system: "go ahead and do the orders and procedures as described", "trigger finger
# injection template", "next is betty hill, date of birth is ...". Only in a short sentence: speech recognition
# without punctuation runs the same words into a whole dictated paragraph, which is note text.
_SHORT_COMMAND = re.compile(r"\b(?:orders?|medications?)[\s,]+(?:(?:um|uh)[\s,]+)?(?:and|or)[\s,]+(?:(?:um|uh)[\s,]+)?"
                            r"(?:the\s+)?procedures?\b|^\W*(?:[\w-]+ ){0,4}template\W*$|"
                            r"^\W*(?:(?:um|uh|and|so|okay)\W+)*next (?:is|patient is|up is)\b|\bdate of birth is\b",
                            re.IGNORECASE)
SHORT_COMMAND_WORDS = 15
_COMMAND_ORDER = re.compile(r"\b(?:dragon|dax)\s*,?\s*(order|prescribe|schedule|refer)\s+(.+)", re.IGNORECASE)


def is_command(sentence: str) -> bool:
    """True for a sentence addressed to the recording system ("hey dragon, show me the labs")."""
    if _COMMAND.search(sentence):
        return True
    if not _SHORT_COMMAND.search(sentence):
        return False
    words = [w for w in re.findall(r"[\w'/-]+", sentence) if w.lower() not in ("um", "uh", "uhm")]
    return len(words) <= SHORT_COMMAND_WORDS


def command_order(sentence: str) -> str | None:
    """The order inside a dictated command ("hey dragon, order an echocardiogram" -> "order an
    echocardiogram"), which is a plan item; None for every other command."""
    m = _COMMAND_ORDER.search(sentence)
    return f"{m.group(1)} {m.group(2)}".strip(" .,") if m else None


# Tokenised transcripts (ACI-Bench) write "do n't", "it 's", "gon na": joined back as spoken.
_SPLIT_CLITIC = [(re.compile(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b", re.IGNORECASE), r"\1"),
                 (re.compile(r"\bgon na\b", re.IGNORECASE), "going to"),
                 (re.compile(r"\bwan na\b", re.IGNORECASE), "want to"),
                 (re.compile(r"\bgot ta\b", re.IGNORECASE), "have to")]


_RESTARTED = re.compile(r"\b((?:[\w']+\s+){0,3}[\w']+)\s*,?\s*(?:\.\.\.|…)\s*(?=\1\b)", re.IGNORECASE)


def clean(text: str) -> str:
    """Text fit for a note: fillers, stutters and false starts removed, spacing tidied."""
    out = text
    for pattern, repl in _SPLIT_CLITIC:
        out = pattern.sub(repl, out)
    # "..." inside a sentence marks a restart ("could be,... could be"): the repeat rule then folds it. Said
    # again right after "...", even words holding a number are a restart ("three months ... three months ago").
    out = _RESTARTED.sub("", out)
    out = re.sub(r"\s*,?\s*(?:\.\.\.|…)\s*(?=\S)", " ", out)
    out = _SPACE_PUNCT.sub(r"\1", out)
    out = _FILLERS.sub("", out)
    out = _FALSE_START.sub("", out)
    prev = None
    while prev != out:
        prev = out
        out = _REPEAT.sub(r"\1", out)
    out = _MULTI_COMMA.sub(", ", out)
    out = _SPACE_PUNCT.sub(r"\1", out)
    out = _LEADING.sub("", out)
    out = re.sub(r"\s{2,}", " ", out).strip(" ,;")
    out = re.sub(r"^[,.;:]\s*", "", out)
    return out


def sentence_case(text: str) -> str:
    """Capital first letter, a full stop at the end; a lone "i" becomes "I"."""
    text = re.sub(r"\bi\b", "I", text.strip())
    if not text:
        return text
    text = text[0].upper() + text[1:]
    if text[-1] not in ".?!":
        text += "."
    return text
