"""Sentence segmentation that never cuts a number, a dose, a time or an abbreviation.

spaCy's rule-based sentencizer does the splitting; its tokenizer already keeps "8.9", "2.5" and
"10:30" whole. Dosing and title abbreviations ("b.i.d.", "Dr.") are added as tokenizer special cases
so their full stops are not sentence ends. A blank pipeline loads in well under a second and splits
a 30-minute visit in milliseconds; the statistical parser would cost seconds for nothing here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

# Abbreviations whose full stop never ends a sentence in a clinical conversation.
ABBREVIATIONS = (
    "b.i.d.", "t.i.d.", "q.i.d.", "q.d.", "q.h.s.", "p.r.n.", "p.o.", "q.o.d.", "a.m.", "p.m.", "e.g.", "i.e.",
    "dr.", "mr.", "mrs.", "ms.", "st.", "vs.", "approx.", "no.", "mg.", "ml.", "etc.", "u.s.",
)


class _Segmenter:
    """spaCy's English rule tokenizer and its rule-based sentencizer, built directly.

    `spacy.blank("en")` gives the same two parts but its Language constructor loads every spaCy plug-in
    registered in the environment (Presidio's recognisers among them), which tripled the cold start of
    the offline note; building them from the English defaults skips that."""

    def __init__(self) -> None:
        from spacy.lang.en import EnglishDefaults as english
        from spacy.lang.lex_attrs import LEX_ATTRS
        from spacy.pipeline import Sentencizer
        from spacy.tokenizer import Tokenizer
        from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex
        from spacy.vocab import Vocab

        self.tokenizer: Any = Tokenizer(
            # The lexical attributes as spacy.blank merges them (is_punct decides sentence ends after quotes).
            Vocab(lex_attr_getters={**LEX_ATTRS, **english.lex_attr_getters}), rules=english.tokenizer_exceptions,
            prefix_search=compile_prefix_regex(english.prefixes or ()).search,
            suffix_search=compile_suffix_regex(english.suffixes or ()).search,
            infix_finditer=compile_infix_regex(english.infixes or ()).finditer,
            token_match=english.token_match, url_match=english.url_match)
        for abbr in ABBREVIATIONS:
            for form in {abbr, abbr.upper(), abbr.capitalize()}:
                self.tokenizer.add_special_case(form, [{"ORTH": form}])
        self.sentencizer: Any = Sentencizer(punct_chars=[".", "?", "!", "…"])

    def __call__(self, text: str) -> Any:
        return self.sentencizer(self.tokenizer(text))

    def pipe(self, texts: list[str], batch_size: int = 256) -> Iterator[Any]:
        for doc in self.tokenizer.pipe(texts, batch_size=batch_size):
            yield self.sentencizer(doc)


@lru_cache(maxsize=1)
def _pipeline() -> _Segmenter:
    return _Segmenter()


def sentences(text: str) -> list[str]:
    """The sentences of one utterance, stripped, in order; the text itself is not changed otherwise."""
    text = text.strip()
    if not text:
        return []
    doc = _pipeline()(text)
    out = [s.text.strip() for s in doc.sents if s.text.strip()]
    # A lone punctuation mark (ASR ". ." runs) belongs to the sentence before it.
    merged: list[str] = []
    for s in out:
        if merged and not re.search(r"\w", s):
            merged[-1] += s
        else:
            merged.append(s)
    return merged


def segment_many(texts: list[str]) -> list[list[str]]:
    """Sentences for many utterances at once (spaCy's batched pipe is faster for a whole visit)."""
    nlp = _pipeline()
    prepared = [t.strip() for t in texts]
    result = []
    for doc in nlp.pipe(prepared, batch_size=256):
        sents = [s.text.strip() for s in doc.sents if s.text.strip()]
        merged: list[str] = []
        for s in sents:
            if merged and not re.search(r"\w", s):
                merged[-1] += s
            else:
                merged.append(s)
        result.append(merged)
    return result
