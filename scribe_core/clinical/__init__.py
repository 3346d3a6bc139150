"""Clinical language without a language model: facts from a visit conversation, the offline note, and
the checks run on every note.

The API the pages and the CLI use:

    parse_transcript_file(path_or_text) -> Transcript      (TranscriptFormatError names the bad line)
    extract_facts(transcript) -> list[Fact]
    possibly_missing(transcript, note) -> list[MissingFact] (omission check)
    facts_to_statement(missing_fact) -> Statement           (the line one click adds)
    add_missing(note, missing_fact, template) -> Note        (that line added to the right section)
    check_consistency(transcript, note) -> list[Flag]       (number / drug / negation not backed)
"""

from .consistency import Flag, check_consistency, check_statement
from .facts import Fact, extract_facts
from .omission import MissingFact, add_missing, facts_to_statement, possibly_missing, target_section
from .transcript_import import (
    TranscriptFormatError,
    parse_transcript_bytes,
    parse_transcript_file,
    parse_transcript_text,
)

__all__ = [
    "Fact", "Flag", "MissingFact", "TranscriptFormatError", "add_missing", "check_consistency", "check_statement",
    "extract_facts", "facts_to_statement", "parse_transcript_bytes", "parse_transcript_file", "parse_transcript_text",
    "possibly_missing", "target_section",
]
