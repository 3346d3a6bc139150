"""The after-visit summary written by the same OpenAI-compatible writer that drafts LLM notes.

The note's statements go to the writer as numbered lines (the ids it must cite), with a summary
"template" whose sections are the patient's headings and whose instructions ask for plain language
in the second person. The writer's prompt rules, JSON schema, retries, citation check and request
deletion are the note writer's own (notes/llm.py). Then every sentence is checked again here: one
that cites no note statement, states a number its statements do not, or is not a whole sentence
(sentence_check.py) is dropped.

The patient's name and record number, as typed at intake, are masked in every line before it leaves the
machine (the note may name the patient: a clinician's edit, an offline draft); a placeholder the writer
repeats is put back here, locally. Your medicines, When to come back and Get help right away if are the
visit's own (summary.visit_parts) when the transcript is at hand, exactly as in the offline summary.
"""

from __future__ import annotations

from ..clinical.support import spoken_numbers
from ..model import Note, Transcript, Utterance
from ..note_template import NoteTemplate, SectionSpec
from ..notes.base import DraftResult, NoteWriter
from ..patient import MRN_PLACEHOLDER, NAME_PLACEHOLDER, PatientIdentity
from .model import PatientSummary, SourcedSentence, SummaryPart, statement_ref
from .sentence_check import sentence_problem
from .summary import FOUND, MEDICINES, NOTHING_SAID, RETURN, TODO, WARNING, graded, visit_parts

NOTE_ROLE = "Note"
SUMMARY_TEMPLATE = NoteTemplate(
    name="after_visit_summary",
    title=("after-visit summary for the patient: plain everyday words, short sentences (reading grade 6 to 8), "
           "addressed to the patient as 'you'. The lines in the transcript block are the clinician's note, not a "
           "conversation; each sentence restates note lines and cites their ids"),
    sections=(
        SectionSpec("found", FOUND, "What the clinician found or thinks is going on, in everyday words."),
        SectionSpec("todo", TODO, "What the patient should do: treatment, tests and advice. Keep every medicine "
                                  "name and dose exactly as the note writes it."),
        SectionSpec("medicines", MEDICINES, "The patient's medicines with their doses exactly as written."),
        SectionSpec("return", RETURN, "When to come back or follow up, as written."),
        SectionSpec("warning", WARNING, "Warning signs the note mentions and what to do if they happen. "
                                        "Only those the note mentions."),
    ),
)


def note_as_lines(note: Note, patient: PatientIdentity | None = None) -> tuple[Transcript, dict[str, str]]:
    """The note's checkable statements as citeable lines (the patient's name and number masked), and each line
    id's statement reference."""
    patient = patient or PatientIdentity()
    utterances: list[Utterance] = []
    refs: dict[str, str] = {}
    for sec in note.sections:
        for index, st in enumerate(sec.statements):
            if st.unsupported:
                continue  # nobody could check it against the visit: not for the patient
            uid = f"U{len(utterances) + 1}"
            utterances.append(Utterance(uid, NOTE_ROLE, 0, 0, patient.mask(f"{sec.title}: {st.text}")))
            refs[uid] = statement_ref(sec.key, index)
    return Transcript(utterances=utterances, roles_confirmed=True), refs


def _unmasked(text: str, patient: PatientIdentity) -> str:
    """A placeholder the writer repeated, put back on this machine."""
    if patient.name:
        text = text.replace(NAME_PLACEHOLDER, patient.name)
    return text.replace(MRN_PLACEHOLDER, patient.mrn) if patient.mrn else text


def summarize_with_writer(note: Note, writer: NoteWriter, *, patient: PatientIdentity | None = None,
                          transcript: Transcript | None = None,
                          clinician: str = "") -> tuple[PatientSummary, DraftResult]:
    """The summary, and the writer's result (its remote request ids, for the purge to delete). Only the
    note's lines, masked, are sent; `transcript` stays here (it gives the visit's medicines, follow-up and
    warning signs)."""
    patient = patient or PatientIdentity()
    lines, refs = note_as_lines(note, patient)
    result = writer.draft(lines, SUMMARY_TEMPLATE)
    texts = {u.id: u.text for u in lines.utterances}
    from_visit = visit_parts(transcript) if transcript is not None else {}
    parts = []
    for section in result.note.sections:
        part = SummaryPart(section.title, nothing_said=NOTHING_SAID.get(section.title, ""))
        if section.title in (MEDICINES, RETURN, WARNING) and section.title in from_visit:
            part.sentences = list(from_visit[section.title])
            parts.append(part)
            continue
        for st in section.statements:
            cited = [e for e in st.evidence if e in refs]
            stated = spoken_numbers(" ".join(texts[e] for e in cited))
            text = _unmasked(st.text, patient)
            if cited and spoken_numbers(st.text) <= stated and sentence_problem(text) is None:
                part.sentences.append(SourcedSentence(text, [refs[e] for e in cited]))
        parts.append(part)
    summary = PatientSummary(parts=parts, reading_grade=0.0, writer=getattr(writer, "name", "llm"),
                             clinician=clinician)
    return graded(summary), result
