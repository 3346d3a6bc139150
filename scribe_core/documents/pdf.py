"""Printable PDFs of the note, the after-visit summary and the referral letter (fpdf2).

Every page carries a header with the document's title, the encounter date, the template and the
note's status (DRAFT in red until signed), and a footer with the page number and the encounter id,
so a loose printed page is never mistaken for a signed record or for another visit.

Text is set in DejaVu Sans (Debian fonts-dejavu-core) so every character of the note prints as
written; without that font the PDF core font is used and a character it cannot print stops the
export with a message, rather than silently dropping a letter of a drug name.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ..errors import ConfigurationError
from ..model import Note
from .model import DRAFT, NoteDocument, PatientSummary, ReferralLetter, signature_line

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...",
                             "•": "-", "\u00a0": " "})
Block = tuple[str, list[str]]


class _Page(FPDF):
    def __init__(self, title: str, doc: NoteDocument) -> None:
        super().__init__(format="Letter")
        self.doc_title = title
        self.doc = doc
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").exists() and (FONT_DIR / "DejaVuSans-Bold.ttf").exists()
        if self.unicode:
            self.add_font("Body", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("Body", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.family = "Body" if self.unicode else "Helvetica"
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=20)
        self.set_title(title)
        self.set_creator("AI Scribe")

    def clean(self, text: str) -> str:
        text = " ".join(text.split())
        if self.unicode:
            return text
        text = text.translate(_TYPOGRAPHY)
        try:
            text.encode("latin-1")
        except UnicodeEncodeError as exc:
            raise ConfigurationError("The note has characters the built-in PDF font cannot print; install the "
                                     "DejaVu fonts (Debian package fonts-dejavu-core) and export again.") from exc
        return text

    def header(self) -> None:
        doc = self.doc
        self.set_font(self.family, "B", 13)
        self.cell(0, 7, self.clean(self.doc_title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(self.family, "", 9)
        meta = f"Encounter date: {doc.encounter_start:%Y-%m-%d} | Template: {doc.template.title}"
        if doc.patient:  # a loose page names whose visit it is
            meta = f"Patient: {doc.patient} | {meta}"
        self.cell(0, 5, self.clean(meta), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if doc.status == DRAFT:
            self.set_text_color(180, 0, 0)
            status = "Status: DRAFT - not signed; review before use"
        else:
            signed = f", signed by {doc.signed_by} on {doc.signed_at:%Y-%m-%d %H:%M} UTC" if doc.signed_at else ""
            status = f"Status: {doc.status_label} (version {doc.version}){signed}"
        self.set_font(self.family, "B", 9)
        self.cell(0, 5, self.clean(status), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.set_draw_color(120, 120, 120)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(5)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.family, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, self.clean(f"Encounter {self.doc.encounter_id} | Page {self.page_no()} of {{nb}}"),
                  align="C")
        self.set_text_color(0, 0, 0)

    def block(self, heading: str, lines: list[str], *, bullets: bool = True) -> None:
        self.set_font(self.family, "B", 11)
        self.multi_cell(0, 6, self.clean(heading), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(self.family, "", 10)
        for line in lines or ["Nothing recorded."]:
            prefix = "- " if bullets else ""
            self.multi_cell(0, 5.2, prefix + self.clean(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)


def render(title: str, doc: NoteDocument, blocks: list[Block], *, intro: list[str] | None = None,
           outro: list[str] | None = None, bullets: bool = True) -> bytes:
    pdf = _Page(title, doc)
    pdf.add_page()
    if intro:
        pdf.set_font(pdf.family, "", 10)
        for line in intro:
            pdf.multi_cell(0, 5.2, pdf.clean(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
    for heading, lines in blocks:
        pdf.block(heading, lines, bullets=bullets)
    pdf.set_font(pdf.family, "", 10)
    for line in outro or []:
        pdf.multi_cell(0, 5.2, pdf.clean(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    return bytes(pdf.output())


def note_pdf(doc: NoteDocument) -> bytes:
    blocks = [(sec.title, [s.text + (" [UNSUPPORTED: check against the recording]" if s.unsupported else "")
                           for s in sec.statements]) for sec in doc.note.sections]
    return render(doc.template.title, doc, blocks, intro=[provenance_line(doc.note)])


def provenance_line(note: Note) -> str:
    """Where the note's lines come from, counted: "12 lines drafted from cited utterances, 2 edited by the
    clinician, 1 added by the clinician". Only untouched drafted lines are claimed for the utterances."""
    statements = note.statements()
    added = sum(s.added_by_clinician for s in statements)
    edited = sum(s.edited_by_clinician and not s.added_by_clinician for s in statements)
    drafted = len(statements) - added - edited
    parts = [f"{drafted} {_lines(drafted)} drafted from cited utterances"]
    parts += [f"{edited} edited by the clinician"] if edited else []
    parts += [f"{added} added by the clinician"] if added else []
    return ", ".join(parts) + "." + (" Drafted without a language model." if note.extractive else "")


def _lines(n: int) -> str:
    return "line" if n == 1 else "lines"


def summary_pdf(doc: NoteDocument, summary: PatientSummary) -> bytes:
    """Each part with its sentences, or the plain line saying the visit gave it nothing; signed at the end
    with the clinician's display name (or marked an unsigned draft)."""
    blocks = [(p.heading, [s.text for s in p.sentences] or [p.nothing_said]) for p in summary.parts
              if p.sentences or p.nothing_said]
    return render("Your visit summary", doc, blocks, outro=[signature_line(summary.clinician)])


def letter_pdf(doc: NoteDocument, letter: ReferralLetter) -> bytes:
    blocks = [(heading, lines or ["Not recorded in this visit."]) for heading, lines in letter.paragraphs]
    return render(f"Referral to {letter.specialty}", doc, blocks, intro=[letter.salutation, letter.opening],
                  outro=[letter.closing, letter.signature], bullets=False)


def edited_text_pdf(title: str, doc: NoteDocument, text: str) -> bytes:
    """A summary or letter as the clinician edited it: a short line without a full stop is a heading,
    "- " starts a bullet, a blank line separates paragraphs."""
    pdf = _Page(title, doc)
    pdf.add_page()
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            pdf.ln(2)
            continue
        heading = len(line) <= 60 and not line.startswith("- ") and line[-1] not in ".,;:!?"
        pdf.set_font(pdf.family, "B" if heading else "", 11 if heading else 10)
        pdf.multi_cell(0, 6 if heading else 5.2, pdf.clean(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
