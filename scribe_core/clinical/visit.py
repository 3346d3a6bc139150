"""A visit as sentences: each spoken sentence with its utterance, speaker, cleaned text and context."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Transcript
from .clauses import NOT_BEFORE_A_QUESTION, Clause, clauses
from .cleanup import clean, command_order, is_command
from .section_model import SentenceContext
from .segment import segment_many

# Transcripts often drop the question mark ("okay and have you had any chest pain ."): a sentence that opens,
# after discourse words, the way a question does is one. Wh- openings count only when addressed to the
# listener and not the speaker announcing a plan ("what we'll do is ...", "what i'm seeing here is ...").
_DISCOURSE = re.compile(r"^(?:(?:okay|ok|alright|all right|and|so|now|well|wow|um+|uh+|oh|great|good|right|"
                        r"yeah|hmm+|then)\b[\s,.]*)+", re.IGNORECASE)
_ASKS = re.compile(
    r"^(?:(?:do|does|did|are|is|was|were|have|has|had|can|could|would|will|any)\s+(?:you|your|it|there|that|"
    r"this|they|he|she|anyone|anybody|any|anything|the)\b"
    r"|any\s+(?!time|way|how|more|longer|day|minute)\w+"
    # "how long has the pain been going on", "how bad is that pain on a scale from zero to ten ...": asked
    # without a "you", however long the turn.
    r"|how (?:long|often|much|many|bad|severe|frequently) (?:has|have|is|are|does|do|did|was|were)\b)",
    re.IGNORECASE)
# Only short ones: "what is reassuring is that you're not having any cough ..." is the doctor's assessment.
_ASKS_WH = re.compile(
    r"^(?!(?:what|how|when|where|which|who|why)\s+(?:i|i'm|we|we're|we'll)\b)"
    r"(?:what|how|when|where|which|who|why)\b(?!.*\b(?:i|we)(?:'ll| will| want| would| are going| think| "
    r"recommend)\b).*\byou"
    # "anything you've done to help the pain": asked without a verb, as speech recognition gives it.
    r"|^anything\s+(?:you|else)\b", re.IGNORECASE)
# Short run-on turns carry their question in the middle ("pain on flexion what about extension when you
# pick your wrist up", "turn your wrist in so do you have any pain when you do that"). Not "have you"
# ("we have you on norvasc") and not long turns, whose statements must not be lost with the question.
_ASKS_INSIDE = re.compile(r"\b(?:(?:do|does|did|are|can|could)\s+you|is\s+(?:it|there)|what\s+about|"
                          r"how\s+about)\b", re.IGNORECASE)
_SHORT_TURN_WORDS = 20


def is_question(sentence: str) -> bool:
    text = sentence.rstrip()
    opening = _DISCOURSE.sub("", text)
    short = len(text.split()) <= _SHORT_TURN_WORDS
    return text.endswith("?") or bool(_ASKS.search(opening)) or (
        short and bool(_ASKS_WH.search(opening) or _ASKS_INSIDE.search(text)))


_TAG_QUESTION = re.compile(r"[\s,]*\b(?:okay|ok|alright|all right|sound good|does that sound good|is that okay|"
                           r"does that make sense|you know)\s*\?", re.IGNORECASE)
_WAKE = re.compile(r"^.{0,40}?\b(?:hey|hi|okay|ok)\s*,?\s*(?:dragon|dax)\b[\s,.]*", re.IGNORECASE)


def _without_wake_word(sentence: str) -> str:
    """ "hey dragon, ms. thompson is a 43 year old female here for right knee pain" is dictation of the note:
    the wake words go, the dictated text stays; a command to the system ("hey dragon, show me the labs",
    "hey dragon, order an echo") is kept whole for cleanup.py to recognise."""
    rest = _WAKE.sub("", sentence, count=1)
    if rest == sentence or len(rest.split()) < 3 or command_order(sentence) or is_command(rest):
        return sentence
    return rest


# Unpunctuated speech runs a request to the recording system into what the clinician says next
# ("hey dragon show me the blood pressure yeah so your blood pressure's a little elevated today 156 over 94"):
# the request is cut off where the talk to the patient resumes, so the reading is not dropped with it.
_SHOW_THEN_TALK = re.compile(
    r"^(.{0,40}?\b(?:hey|hi|okay|ok)\s*,?\s*(?:dragon|dax)\b[\s,.]*(?:show me|pull up|bring up|open)\s+"
    r"(?:the\s+|my\s+|her\s+|his\s+|their\s+)?(?:[a-z0-9-]+\s+){0,2}?[a-z0-9-]+)\s+"
    r"(?=(?:yeah|so|okay|alright|and|now|your|this|that|it|as|i|we)\b)", re.IGNORECASE)


# Unpunctuated speech runs a statement into the question after it ("i know that you had that rotator cuff
# repaired about eight months ago how are you doing"). The sentence stays one question (it pairs with its
# answer); what it stated before the question is read as a statement when it names a drug or a number.
_INNER_QUESTION = re.compile(r"\s(?=(?:how are you|how is|how's|has it|has that|have you|do you|does it|did you|"
                             r"are you|is it|is that|was it|can you|could you|how (?:long|often|much|many)|"
                             r"what about)\b)", re.IGNORECASE)


def _statement_before_question(text: str) -> str | None:
    if re.search(r"[.?!]", text):
        return None  # punctuated: the sentence is what the transcript made it
    from .support import drug_names, spoken_numbers

    cuts = [m.start() for m in _INNER_QUESTION.finditer(text)
            if len(text[:m.start()].split()) >= 6 and text[:m.start()].split()[-1].lower() not in
            NOT_BEFORE_A_QUESTION]
    if not cuts:
        return None
    before = text[:cuts[0]].strip(" ,")
    if is_question(before) or not (drug_names(before) or spoken_numbers(before) - {"0", "1", "2"}):
        return None
    return before


def _command_apart(text: str) -> list[str]:
    m = _SHOW_THEN_TALK.match(text)
    if not m or len(text[m.end():].split()) < 4 or not is_command(m.group(1)):
        return [text]
    return [m.group(1), text[m.end():]]


@dataclass(frozen=True)
class VisitSentence:
    index: int  # order in the visit
    utterance_index: int
    utterance_id: str
    role: str
    raw: str  # as spoken (as transcribed)
    cleaned: str  # fillers and stutters removed, still in the speaker's own words
    context: SentenceContext
    command: bool  # addressed to the recording system
    heading: str | None = None  # the fact section a dictated heading before it named

    @property
    def is_question(self) -> bool:
        return self.context.is_question

    @property
    def statement(self) -> str | None:
        """The cleaned sentence when it states something: a plan closed with "okay?" ("I'm going to prescribe
        meloxicam 15 milligrams once a day, okay?") is a statement, its tag removed; a real question is None.
        "..., right?" and "..., correct?" ask the listener to confirm, so they stay questions."""
        if not self.is_question:
            return self.cleaned
        before = _statement_before_question(self.cleaned)
        if before:
            return before
        untagged = re.sub(r"\s{2,}", " ", _TAG_QUESTION.sub(" ", self.cleaned)).strip(" ,")
        if untagged == self.cleaned.strip(" ,") or "?" in untagged or is_question(untagged):
            return None
        return untagged if len(untagged.split()) >= 4 else None


def visit_sentences(transcript: Transcript, *, split_long: bool = True) -> list[VisitSentence]:
    """Every sentence of the visit; with `split_long`, long ones cut into clauses (clauses.py) and dictation
    freed of its wake words. The section model was trained on sentences as the transcripts punctuate them
    (`split_long=False`) and scores clauses well: measured on ACI-Bench valid, retraining it on clauses gave
    no better notes."""
    utterances = transcript.utterances
    per_utterance = segment_many([u.text for u in utterances])
    total = max(1, len(utterances) - 1)
    out: list[VisitSentence] = []
    previous_question = False
    previous_role = ""
    for ui, (u, sents) in enumerate(zip(utterances, per_utterance, strict=True)):
        after_question = previous_question and previous_role != u.role
        # Long unpunctuated speech is cut into clauses; dictated headings become structure (clauses.py).
        heading: str | None = None
        pieces = []
        for sentence in sents:
            for c in (clauses(sentence, heading) if split_long else [Clause(sentence, None)]):
                for part in (_command_apart(c.text) if split_long else [c.text]):
                    pieces.append(Clause(part, c.heading))
                heading = c.heading
        for c in pieces:
            s = _without_wake_word(c.text) if split_long else c.text
            cleaned = clean(s)
            question = is_question(s)
            ctx = SentenceContext(text=cleaned, role=u.role, position=ui / total, is_question=question,
                                  after_question=after_question)
            out.append(VisitSentence(len(out), ui, u.id, u.role, s, cleaned, ctx, is_command(s), c.heading))
        previous_question = bool(pieces) and is_question(pieces[-1].text)
        previous_role = u.role
    return out
