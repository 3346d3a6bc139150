"""Long spoken sentences split into clauses at the cues a clinician's speech carries.

Speech recognition without punctuation gives a 400-word turn as one "sentence": exam, results and plan
run together. The sentence is cut before discourse cues ("okay", "so", "now", "alright") and before
the structure a clinician speaks ("on your heart exam", "for your first problem", "your x-ray shows",
"i'm going to", "i want you to"), and never elsewhere, so no word is lost and no clause is left
without its verb. A dictated heading ("next line heading assessment and plan", "new paragraph") is
structure: it is removed from the text and named as the section hint of the clauses that follow it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence this long (words) is split; shorter ones are as the speaker punctuated them.
SPLIT_OVER_WORDS = 25
# A clause shorter than this (words) stays with the clause before it.
MIN_CLAUSE_WORDS = 4

# Not after a word the cue completes: "but for now", "right now", "until now", "i think so".
_CUES = re.compile(
    r"(?<!\bfor)(?<!\bright)(?<!\buntil)(?<!\bby)(?<!\bfrom)(?<!\bjust)(?<!\bthink)(?<!\bhope)(?<!\bguess)"
    r"(?<!\bi)(?<!\bwe)(?<!\byou)(?<!\bshe)(?<!\bhe)"  # "and i also have pain": the subject's own clause
    r"\s(?=(?:okay|ok|alright|all right|so|now|um so|and so|and now|anyway|also|next|then)\b(?!\s+(?:much|many|far|"
    r"that|long|is|was|it)\b))"
    # "everything on your exam looks normal": the exam is what "everything" is about, not a new clause.
    r"|(?<!\beverything)(?<!\banything)(?<!\bnothing)(?<!\belse)"
    r"\s(?=(?:on|in)\s+(?:your|the|his|her)\s+(?:[a-z]+\s+){0,2}(?:exam|examination)\b)"
    r"|\s(?=(?:for|regarding|as far as|in terms of|with regards? to)\s+(?:your|the|his|her)\s+(?:[a-z]+\s+){0,2}"
    r"(?:problem|issue|diagnosis|blood pressure|diabetes|heart|kidney|back|knee|pain|medications?)\b)"
    r"|\s(?=(?:your|the|his|her)\s+(?:[a-z0-9-]+\s+){0,2}(?:x-?rays?|labs?|ecg|ekg|echo\w*|mri|ct|a1c|a one c|"
    r"blood work|creatinine|cholesterol|potassium|hemoglobin|ejection fraction|"
    r"results?|ultrasound|scan|test)\s+(?:shows?|showed|was|were|is|are|came back|looks?|looked|demonstrat\w*|"
    r"reveal\w*)\b)"
    r"|\s(?=(?:i'm|i am|we're|we are) going to\b|(?:i|we) (?:want|would like|'d like) (?:you )?to\b|"
    r"(?:i'll|we'll|let's)\s)"
    r"|\s(?=(?:your|the) (?:blood pressure|heart rate|pulse|temperature|oxygen|weight) (?:is|was|today|looks|came)\b)",
    re.IGNORECASE)
_ONLY_CUES = re.compile(r"(?:(?:okay|ok|alright|all right|so|now|um|and|anyway|also|next|then)[\s,.]*)+",
                        re.IGNORECASE)
_HEADINGS = ("physical examination", "physical exam", "review of systems", "history of present illness",
             "chief complaint", "assessment and plan", "assessment", "impression", "plan", "results", "exam")
_HEADING = re.compile(
    r"\b(?:next|new)\s+(?:line|paragraph)(?:\s+(?:heading|header|section))?(?:\s+(?P<h>"
    + "|".join(h.replace(" ", r"\s+") for h in _HEADINGS) + r"))?\b[\s,.:]*"
    r"|\b(?:heading|header|section)\s+(?P<h2>" + "|".join(h.replace(" ", r"\s+") for h in _HEADINGS) + r")\b[\s,.:]*",
    re.IGNORECASE)
_SECTION_OF = {"physical examination": "exam", "physical exam": "exam", "exam": "exam", "review of systems": "hpi",
               "history of present illness": "hpi", "chief complaint": "hpi", "assessment and plan": "assessment_plan",
               "assessment": "assessment_plan", "impression": "assessment_plan", "plan": "assessment_plan",
               "results": "results"}


@dataclass(frozen=True)
class Clause:
    text: str
    heading: str | None  # the note section a dictated heading before it named


def split_headings(sentence: str) -> list[Clause]:
    """Dictated headings removed; each piece carries the heading spoken before it (None if none)."""
    out: list[Clause] = []
    heading: str | None = None
    last = 0
    for m in _HEADING.finditer(sentence):
        piece = sentence[last:m.start()].strip(" ,.")
        if piece:
            out.append(Clause(piece, heading))
        name = m.group("h") or m.group("h2")
        if name:
            heading = _SECTION_OF[re.sub(r"\s+", " ", name.lower())]
        last = m.end()
    piece = sentence[last:].strip(" ,")
    if piece:
        out.append(Clause(piece, heading))
    return out


# A question asked inside a long turn ("let's talk about your pain how bad is that pain on a scale from zero to
# ten"): its own clause, so it is read as a question and paired with its answer, not written as a statement.
# Not "is that" / "is it": inside a turn they are mostly a copula ("what is reassuring is that you're not ...").
_QUESTION_CUE = re.compile(r"\s(?=(?:how (?:long|often|much|many|bad|severe)|do you|does (?:it|that|the)|did you|"
                           r"are you|have you (?:had|noticed|tried|been)|can you)\b)",
                           re.IGNORECASE)
# Words no question starts right after ("let me see how you walk"); visit.py reads run-on questions with it.
NOT_BEFORE_A_QUESTION = {"to", "i", "we", "will", "i'll", "we'll", "let", "that", "what", "if", "when", "how",
                         "where", "why", "see", "know", "make", "sure", "whether", "because", "like", "so"}
# Inside a long turn a connective joins the question to what came before ("... and how long has it ...").
_NOT_BEFORE_A_QUESTION = NOT_BEFORE_A_QUESTION | {"and", "or", "but", "as", "until", "unless", "ask", "asked",
                                                  "wondering", "wonder"}


def split_clauses(sentence: str) -> list[str]:
    """A long sentence cut at discourse and structure cues; a short one unchanged. Joined back with
    spaces the clauses are the sentence (nothing dropped)."""
    if len(sentence.split()) <= SPLIT_OVER_WORDS:
        return [sentence]
    asked = [m.start() for m in _QUESTION_CUE.finditer(sentence)
             if sentence[:m.start()].split()[-1].lower() not in _NOT_BEFORE_A_QUESTION]
    cuts = [0] + sorted({m.start() for m in _CUES.finditer(sentence)} | set(asked)) + [len(sentence)]
    pieces = [sentence[a:b].strip() for a, b in zip(cuts, cuts[1:], strict=False)]
    out: list[str] = []
    carry = ""
    for p in pieces:
        if not p:
            continue
        if _ONLY_CUES.fullmatch(p):  # "now", "so okay": opens the next clause
            carry = f"{carry} {p}".strip()
            continue
        p, carry = f"{carry} {p}".strip(), ""
        if out and (len(p.split()) < MIN_CLAUSE_WORDS or len(out[-1].split()) < MIN_CLAUSE_WORDS):
            out[-1] = f"{out[-1]} {p}"
        else:
            out.append(p)
    if carry:
        out = [*out[:-1], f"{out[-1]} {carry}"] if out else [carry]
    return out


def clauses(sentence: str, heading: str | None = None) -> list[Clause]:
    """Headings and clauses of one segmented sentence; `heading` is the one in force before it."""
    result: list[Clause] = []
    for piece in split_headings(sentence):
        current = piece.heading or heading
        result += [Clause(c, current) for c in split_clauses(piece.text)]
        heading = current
    return result
