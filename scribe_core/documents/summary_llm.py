"""The after-visit summary written by the same OpenAI-compatible writer that drafts LLM notes.

The note's statements go to the writer as numbered lines (the ids it must cite), with a summary
"template" whose sections are the patient's headings and whose instructions ask for plain language
in the second person. The writer's prompt rules, JSON schema, retries, citation check and request
deletion are the note writer's own (notes/llm.py). Then every sentence is checked again here: one
that cites no note statement, or states a number its statements do not, is dropped.
"""

from __future__ import annotations

from ..clinical.support import spoken_numbers
from ..model import Note, Transcript, Utterance
from ..note_template import NoteTemplate, SectionSpec
from ..notes.base import DraftResult, NoteWriter
from .model import PatientSummary, SourcedSentence, SummaryPart, statement_ref
from .summary import FOUND, MEDICINES, RETURN, TODO, WARNING, reading_grade

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


def note_as_lines(note: Note) -> tuple[Transcript, dict[str, str]]:
    """The note's checkable statements as citeable lines, and each line id's statement reference."""
    utterances: list[Utterance] = []
    refs: dict[str, str] = {}
    for sec in note.sections:
        for index, st in enumerate(sec.statements):
            if st.unsupported:
                continue  # nobody could check it against the visit: not for the patient
            uid = f"U{len(utterances) + 1}"
            utterances.append(Utterance(uid, NOTE_ROLE, 0, 0, f"{sec.title}: {st.text}"))
            refs[uid] = statement_ref(sec.key, index)
    return Transcript(utterances=utterances, roles_confirmed=True), refs


def summarize_with_writer(note: Note, writer: NoteWriter) -> tuple[PatientSummary, DraftResult]:
    """The summary, and the writer's result (its remote request ids, for the purge to delete)."""
    lines, refs = note_as_lines(note)
    result = writer.draft(lines, SUMMARY_TEMPLATE)
    texts = {u.id: u.text for u in lines.utterances}
    parts = []
    for section in result.note.sections:
        part = SummaryPart(section.title)
        for st in section.statements:
            cited = [e for e in st.evidence if e in refs]
            stated = spoken_numbers(" ".join(texts[e] for e in cited))
            if cited and spoken_numbers(st.text) <= stated:
                part.sentences.append(SourcedSentence(st.text, [refs[e] for e in cited]))
        parts.append(part)
    summary = PatientSummary(parts=parts, reading_grade=0.0, writer=getattr(writer, "name", "llm"))
    summary.reading_grade = reading_grade(" ".join(s.text for s in summary.sentences()))
    return summary, result
