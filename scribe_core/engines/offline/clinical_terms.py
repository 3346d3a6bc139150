"""Clinical words PII redaction must never remove: now the core's clinical keep-list.

Kept for importers of the drug list; the words live in `scribe_core.clinical_lexicon` and the rules
in `scribe_core.clinical_keep_list`, shared by the offline redactor and the AssemblyAI policy.
"""

from __future__ import annotations

from ...clinical_lexicon import DRUG_CLASSES, DRUGS, EPONYMS

ALLOW_WORDS = DRUGS | DRUG_CLASSES | EPONYMS

__all__ = ["ALLOW_WORDS", "DRUGS"]
