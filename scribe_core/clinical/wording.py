"""One spoken clause as note sentences: third person, clinical units and numbers, no noise.

A clause becomes zero, one or a few statements. It becomes none when what is left is noise: fewer
than three content words, still in the first or second person, a question, or the clinician's small
talk. A run-on (over RUN_ON_WORDS) is cut at its coordinating "and"/"but"/";" into sentences that
each stand. Pronoun soup ("the patient's heart on the patient's heart exam") keeps the first
"the patient's" and writes "the" after it.
"""

from __future__ import annotations

import re

from ..model import DOCTOR
from .cleanup import sentence_case
from .numbers import normalise_numbers
from .questions import FINDING_WORD
from .register import FIRST_OR_SECOND_PERSON, Pronouns, clinical_units, to_third_person

RUN_ON_WORDS = 40
MIN_CONTENT_WORDS = 3


def _words(text: str) -> list[str]:
    return text.split()


_FUNCTION = set(_words("""a an the and or but of to in on at for with from by is are was were be been it its this
that these those she he they her his him their clinician will would can could should any some also there just very
about as so if then than okay yeah alright well really right now"""))
_CUT = re.compile(r"\s*;\s*|,?\s+(?=(?:and|but)\s+(?:the patient|she|he|will|there|it|her|his|the)\b)", re.IGNORECASE)
# The clinician's remarks about themself, consent and device talk, and chit-chat that no note records.
_NOISE = re.compile(
    r"\b(?:recording|microphone|the app|consent|my (?:wife|husband|kids|son|daughter|weekend|vacation)|"
    r"the clinician (?:was|went|had|love|like)\w*|weather|traffic|parking|football|baseball|basketball|"
    r"nice to (?:meet|see)|how are you|how's it going|good to see|thank|sounds like fun|congratulations|"
    r"(?:that is|that's) awesome|good for you|how're (?:you|the patient)|how you doing)\b", re.IGNORECASE)
# Talk to the recording system ("Will tell dax a little bit about the patient") and a request to the patient
# to tell about something ("Tell the clinic a little bit about the patient's heart failure"): the answer is
# the note's content, the request is not (one naming a number is kept: "... in a 24 hour period").
_TO_SYSTEM_OR_REQUEST = re.compile(r"\b(?:dax|dragon)\b|^\W*(?:will |can |could )?(?:you )?tell (?:the clinic|"
                                   r"the clinician|me|us)\b|"
                                   # "let's talk a little bit about your pain": what comes next, not a finding
                                   r"^\W*(?:will|let's|let us) (?:just )?talk (?:a (?:little )?bit )?about\b",
                                   re.IGNORECASE)
# Words that carry nothing on their own: a clause of the patient, a verb and these is a fragment
# ("The patient actually felt.", "Went through a lot.").
_EMPTY_WORDS = set(_words("patient patient's actually through lot little bit kind sort went"))
# A clause cut before its complement ends on a word that needs one ("... felt.", "... because.").
# A preposition may end a sentence ("... the tumor the clinician is dealing with"), so none is listed.
_DANGLING_END = re.compile(r"\b(?:felt|feel|feels|think|thinks|said|says|because|the|a|an|and|but|to be|while doing)"
                           r"\W*$", re.IGNORECASE)


def content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9/.'%-]+", text.lower()) if w not in _FUNCTION and w.strip(".")]


# Acknowledgements and tags said between clauses ("... in about 6 months okay", "sorry yeah"), not the
# patient's "doing okay" or "feels alright" (the word before decides).
_TAG = re.compile(r"\s*,?\b(okay|ok|alright|all right|yeah|yep|sure|sorry|no problem|great|awesome|perfect|"
                  r"y-you know|you know)\b,?", re.IGNORECASE)
_TAG_KEPT_AFTER = set(_words("""is am are was were be been doing feel feels felt look looks looked seem seems seemed
make makes made went going gone sleep sleeping sounds sound not pretty a an the very really so such"""))
# A new "the patient ..." sentence run on without its full stop; not after a word that subordinates it.
_NEW_SUBJECT = re.compile(
    r"\s+(?=the patient\s+(?:\w+ly\s+)?(?:has|is|was|does|did|had|can|will|would|should|gets|got|takes|took|"
    r"feels|felt|reports|denies|started|went|says|said|tried|tries|wants|needs|may|might|could|also|just|still|"
    r"never|doesn't|didn't|hasn't|isn't|wasn't|can't)\b)", re.IGNORECASE)
_SUBORDINATING = set(_words("""that when if because and but or as since while where which who so until after before
whether than tell told ask asked see saw let make help give gave get got have has had advised started put keep want
for with to on of in at by about from like once what how did does do can is was are"""))


def _previous_word(text: str, at: int) -> str:
    m = re.search(r"([A-Za-z'-]+)\W*$", text[:at])
    return m.group(1).lower() if m else ""


def _untagged(text: str) -> str:
    out = _TAG.sub(lambda m: m.group(0) if _previous_word(text, m.start()) in _TAG_KEPT_AFTER else " ", text)
    return re.sub(r"\s{2,}", " ", out).strip(" ,")


_THEY_VERB = {"is": "are", "was": "were", "has": "have", "does": "do", "doesn't": "don't", "hasn't": "haven't",
              "isn't": "aren't", "wasn't": "weren't"}
_NOT_VERB_S = set(_words("always sometimes perhaps besides thus nevertheless this its his hers yes"))


def _plural_verb(word: str) -> str:
    low = word.lower()
    if low in _THEY_VERB:
        return _THEY_VERB[low]
    if low in _NOT_VERB_S or not low.endswith("s") or low.endswith(("ss", "us", "is")):
        return word
    if low.endswith("ies"):
        return word[:-3] + "y"
    if low.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return word[:-2]
    return word[:-1]


_OBJECT_BEFORE = set(_words("""to for with at on from by about of into than like told tell give gave ask asked
advised see saw seen let help call put keep start started continue get got send refer examine examined bring make
made take took want need evaluate check write wrote give schedule offer remind"""))
# A dictated run-on still over RUN_ON_WORDS is cut before a new sentence's usual opening.
_OPENING = re.compile(r"\s(?=(?:will|the clinician|there is|there are|this is|she|he|her|his|the patient|"
                      r"no|cranial|speech|affect|labs?|the labs)\s)", re.IGNORECASE)


_SUBJECT_OF = re.compile(r"\s+(?:\w+ly\s+)?(?:is|was|has|had|does|did|can|could|will|would|should|may|might|"
                         r"isn't|wasn't|hasn't|doesn't|didn't|can't|won't|gets|feels|takes|needs|wants)\b")


def _they(m: re.Match[str]) -> str:
    """A repeated "the patient" as they/them/their; the verb after a subject is made to agree below."""
    if m.group(1):  # possessive
        return "their"
    # "like the patient is not having any cough": a verb after it makes it the subject, whatever the word before.
    subject = _SUBJECT_OF.match(m.string, m.end())
    return "them" if _previous_word(m.string, m.start()) in _OBJECT_BEFORE and not subject else "they"


# "through the patient portal" names a thing, not the patient.
_THE_PATIENT = re.compile(r"\bthe patient\b(?!\s+(?:portal|education|instructions|handouts?|information|navigator|"
                          r"advocate|room|line)\b)('s)?", re.IGNORECASE)


def _without_repeats_of_the_patient(text: str) -> str:
    """After the first "the patient", the patient is they (them, their): "The patient did have the patient's
    appendix taken out when the patient was 18" -> "... their appendix taken out when they were 18"."""
    first = _THE_PATIENT.search(text)
    if not first:
        return text
    tail = _THE_PATIENT.sub(_they, text[first.end():])
    tail = re.sub(r"\bthey\s+((?:(?:\w+ly|also|still|just|never|always|often|sometimes|now)\s+)?)([A-Za-z']+)",
                  lambda m: f"they {m.group(1)}{_plural_verb(m.group(2))}", tail)
    return text[:first.end()] + tail


def _tidy(text: str) -> str:
    text = _without_repeats_of_the_patient(_untagged(text))
    # A clause cut before "now" or "so" may end on its conjunction ("..., but").
    # "..., but well" ends on a filler; "hydrating well" and "doing really well" end on what was said.
    # "... workup of that", "... while doing that" end on the object: a "that" after a preposition or an -ing
    # verb stays.
    text = re.sub(r"(?:[\s,]+(?:but|and|or|so|because|which|then|"
                  r"(?<!\bof )(?<!\babout )(?<!\bwith )(?<!\bfor )(?<!ing )that)|"
                  r",\s*well)+\s*[.,]?\s*$", "", text, flags=re.IGNORECASE)
    text = re.sub(r"[\s,;-]+(?=\.$)", "", text)  # "jelly beans, ." / "order an mri-.": marks, not text
    return re.sub(r"\s{2,}", " ", text).strip(" ,;-")


_SHORT_FINDING = re.compile(r"\d|" + FINDING_WORD.pattern + r"|\b(?:x-?rays?|labs?|mri|ct|ekg|ecg|echo\w*|ultrasound|"
                            r"scan|lungs?|heart|abdomen|belly|wound|incision|skin)\b", re.IGNORECASE)


def _acceptable(text: str) -> bool:
    content = len(content_words(text))
    # A short whole clause with a number, a finding or a test in it is a finding ("The pain is a 7/10.", "Her
    # lungs are clear.", "The x-ray is normal."), not a fragment.
    return ((content >= MIN_CONTENT_WORDS or (content >= 2 and _SHORT_FINDING.search(text) is not None))
            and not FIRST_OR_SECOND_PERSON.search(text)
            and "?" not in text and not _NOISE.search(text)
            and not (_TO_SYSTEM_OR_REQUEST.search(text) and not re.search(r"\d", text))
            and not _DANGLING_END.search(text)
            and not _ONLY_A_TIME.fullmatch(text)
            and len([w for w in content_words(text) if w.strip(".,") not in _EMPTY_WORDS]) >= 2)


def _at_new_subjects(text: str) -> list[str]:
    """A run-on with "the patient" three times cut where a new "the patient ..." sentence begins; a piece
    too short to stand stays with the one before it, so nothing is lost."""
    cuts = [0] + [m.start() for m in _NEW_SUBJECT.finditer(text)
                  if _previous_word(text, m.start()) not in _SUBORDINATING] + [len(text)]
    out: list[str] = []
    for piece in (text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)):
        piece = piece.strip(" ,")
        if out and (len(content_words(piece)) < MIN_CONTENT_WORDS or len(content_words(out[-1])) < MIN_CONTENT_WORDS):
            out[-1] = f"{out[-1]} {piece}"
        elif piece:
            out.append(piece)
    return out


def _joined_short(pieces: list[str]) -> list[str]:
    """A piece too short to stand ("and her speech is fluent") stays with the one before it: never lost."""
    out: list[str] = []
    for piece in pieces:
        if out and (len(content_words(piece)) < MIN_CONTENT_WORDS or len(content_words(out[-1])) < MIN_CONTENT_WORDS):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _chunks(text: str) -> list[str]:
    """A piece over RUN_ON_WORDS cut before sentence openings into pieces of at least 8 words."""
    if len(text.split()) <= RUN_ON_WORDS:
        return [text]
    out: list[str] = []
    last = 0
    for m in _OPENING.finditer(text):
        if (len(text[last:m.start()].split()) >= 8 and len(text[m.start():].split()) >= 8
                and _previous_word(text, m.start()) not in _SUBORDINATING):
            out.append(text[last:m.start()].strip())
            last = m.start()
    out.append(text[last:].strip())
    return out


# "I feel like sometimes I have a headache" says "sometimes I have a headache": the frame goes before a clause
# (not before "throwing up", which is what is felt).
_FEEL_LIKE = re.compile(r"\bi (?:feel|felt) like\s+(?=(?:sometimes|there's|there is|i|i'm|i've|it|it's|my|the|a|"
                        r"an|this|that)\b)", re.IGNORECASE)
# "I've had this runny nose": the demonstrative points at the complaint being discussed, which a note names
# plainly ("has had a runny nose"); only after a verb of having, and only before a finding word.
_DEMONSTRATIVE = re.compile(r"\b(has|have|had|having|got|noticed|with)\s+(this|that|these|those)\s+(?=(?:[a-z-]+\s+)?"
                            + FINDING_WORD.pattern.removeprefix(r"\b") + ")", re.IGNORECASE)
# "Since it is one of the symptoms ..., will get a covid swab": a reason whose "it" or "that" is not said in the
# sentence is dropped and the action stays ("In this time period will just get a covid swab").
_PRONOUN_REASON = re.compile(r"^(?:since|because|as)\s+(?:it|that|this)\b[^,]{0,80},\s*(?=\S)", re.IGNORECASE)


def _plainly_named(text: str) -> str:
    def article(m: re.Match[str]) -> str:
        if m.group(2).lower() in ("these", "those"):
            return f"{m.group(1)} "
        following = text[m.end():m.end() + 1].lower()
        return f"{m.group(1)} {'an' if following in 'aeiou' else 'a'} "
    return _PRONOUN_REASON.sub("", _DEMONSTRATIVE.sub(article, text))


# "i think, you know, i don't think ...": a filler between commas, and a frame the speaker starts again.
_RESTARTED_FRAME = re.compile(r"(?:^|,)\s*(?:y-)?you know\s*(?=,|$)|(?:^|(?<=,))\s*i think\s*,\s*(?=(?:,\s*)*i\b)|"
                              r"^\s*(?:y-)?you know,?\s+(?=(?:it|it's|i|i'm|i've|my|the|this|they|he|she|we)\b)",
                              re.IGNORECASE)


# "For the last several weeks." alone says when, but not what.
_ONLY_A_TIME = re.compile(r"\W*(?:for|over|in|during) the (?:last|past|next) [a-z ]+\W*", re.IGNORECASE)
_BEEN_BETTER = re.compile(r"^\W*(?:(?:well|oh|um|uh)\W+)*i(?:'ve| have) been better\b[\s,.]*", re.IGNORECASE)


def note_sentences(cleaned: str, role: str, pronouns: Pronouns) -> list[str]:
    """The clause in clinical register, as note sentences that each pass the noise rules."""
    if role != DOCTOR:  # "i've been better" answers "how are you": it says unwell, never "better"
        cleaned = _BEEN_BETTER.sub("", cleaned)
    # Twice: a frame removed can leave another at the start ("i think, you know, i don't think").
    cleaned = _FEEL_LIKE.sub("", _RESTARTED_FRAME.sub(" ", _RESTARTED_FRAME.sub(" ", cleaned)).lstrip(" ,"))
    cleaned = re.sub(r"\s+,", ",", re.sub(r"\s{2,}", " ", cleaned))
    text = _plainly_named(_untagged(clinical_units(normalise_numbers(to_third_person(cleaned, role, pronouns)))))
    parts = _at_new_subjects(text) if text.lower().count("the patient") >= 3 else [text]
    if len(text.split()) > RUN_ON_WORDS and len(parts) == 1:
        parts = _joined_short([p.strip() for p in _CUT.split(text) if p and p.strip()])
        parts = [re.sub(r"^(?:and|but)\s+", "", p, flags=re.IGNORECASE) for p in parts]
    parts = [piece for p in parts for piece in _chunks(p)]
    parts = [_tidy(p) for p in parts]
    return [sentence_case(p) for p in parts if _acceptable(p)]
