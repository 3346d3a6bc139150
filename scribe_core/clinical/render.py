"""Facts into a template's sections: a draft that reads like a clinician's, each line citing evidence.

Fact sections (the ACI-Bench headings) map onto the built-in templates' sections by key, and onto
library templates' sections by LOINC code or role (scribe_core.section_roles). Within a section, facts
keep visit order; pertinent positives and negatives are merged into one review-of-systems line per
polarity ("Denies fever, cough and chest pain.") citing every question and answer.
"""

from __future__ import annotations

import re

from ..model import Note, Section, Statement
from ..note_template import NoteTemplate, SectionSpec
from .exam_systems import by_body_system
from .facts import Fact
from .problems import CLINICAL_NAMES
from .support import drug_names, negated, spoken_numbers

# Template section key -> the fact sections it shows, in order.
SECTION_SOURCES: dict[str, tuple[str, ...]] = {
    "cc": ("cc",),
    "hpi": ("cc", "hpi"),
    "ros": ("ros",),
    "exam": ("exam",),
    "results": ("results",),
    "assessment_plan": ("assessment_plan",),
    "subjective": ("cc", "hpi", "ros"),
    "objective": ("exam", "results"),
    "assessment": ("assessment",),
    "plan": ("plan",),
    "medications": ("medications",),
}
_PLAN_CUE = re.compile(r"\b(will|order|start|continue|refer|follow[- ]?up|prescri\w*|recommend\w*|advised|schedul\w*|"
                       r"increase|decrease|stop|return|come back|check|monitor|repeat|send|\d+\s*(mg|milligrams))\b",
                       re.IGNORECASE)
MAX_MERGED_TOPICS = 8


def sources_of(spec: SectionSpec) -> tuple[str, ...]:
    """The fact sections a template section shows: by key for the built-in layouts, else by the section's
    LOINC code or role (specialty and clinic templates)."""
    if spec.key in SECTION_SOURCES:
        return SECTION_SOURCES[spec.key]
    from ..section_roles import fact_sources  # codes and roles, shared with the documents

    return fact_sources(spec)


def _derived(facts: list[Fact], wanted: set[str]) -> list[Fact]:
    """Facts for template sections that split or narrow the ACI headings (SOAP's A vs P, HPI's meds)."""
    out = list(facts)
    if "assessment" in wanted or "plan" in wanted:
        for f in facts:
            if f.section == "assessment_plan":
                section = "plan" if f.kind == "order" or _PLAN_CUE.search(f.text) else "assessment"
                out.append(Fact(f.kind, section, f.text, f.evidence, f.order, f.salience, f.terms))
    if "medications" in wanted:  # the medication list, and what the patient said of medicines taken
        out += [Fact(f.kind, "medications", f.text, f.evidence, f.order, f.salience, f.terms) for f in facts
                if f.kind == "medication" and f.section == "hpi" and negated(f.text) and not drug_names(f.text)]
    return out


def _merge_answers(facts: list[Fact]) -> list[Statement]:
    """One statement per polarity run: "Denies fever, cough and chest pain." """
    statements: list[Statement] = []
    for kind, verb in (("positive", "Endorses"), ("negative", "Denies")):
        group = [f for f in facts if f.kind == kind]
        for start in range(0, len(group), MAX_MERGED_TOPICS):
            chunk = group[start:start + MAX_MERGED_TOPICS]
            topics = [f.text.split(" ", 1)[1].rstrip(".") for f in chunk]
            joined = topics[0] if len(topics) == 1 else ", ".join(topics[:-1]) + " and " + topics[-1]
            evidence = [e for f in chunk for e in f.evidence]
            statements.append(Statement(text=f"{verb} {joined}.", evidence=list(dict.fromkeys(evidence))))
    return statements


_GLUE = {"the", "patient", "their", "they", "and", "will", "his", "her"}


def _without_repeats(statements: list[Statement]) -> list[Statement]:
    """Drop a statement whose numbers and drug names an earlier one of the section already states with most
    of its words: a dictated order ("hey dragon, order ultram 50 mg every 6 hours") after the spoken plan."""
    kept: list[tuple[Statement, set[str], set[str]]] = []
    for st in statements:
        specific = spoken_numbers(st.text) | drug_names(st.text)
        words = {re.sub(r"(?:es|s|ing|ed)$", "", w) for w in re.findall(r"[a-z]{3,}", st.text.lower())} - _GLUE
        repeat = specific and any(specific <= k_specific and len(words & k_words) >= 0.6 * len(words)
                                  for _, k_specific, k_words in kept)
        if not repeat:
            kept.append((st, specific, words))
    return [st for st, _, _ in kept]


def _labelled(fact: Fact, section_key: str) -> str:
    # The reason for the visit, shown inside a broader section, says what it is.
    if fact.section == "cc" and section_key != "cc":
        return f"Chief complaint: {fact.text[:1].lower()}{fact.text[1:]}"
    return fact.text


# "For the patient's next problem, their type 2 diabetes, will increase ..." under "2. Type 2 diabetes.": the
# lead that only names the problem again goes.
_PROBLEM_LEAD = re.compile(
    r"^(?:(?:so|and|now|okay)\b[,\s]*)*(?:(?:for|regarding|as for|in terms of|with regards? to|moving on to)\s+)?"
    r"(?:(?:the patient's|their|his|her|the)\s+)?(?:(?:(?:first|second|third|fourth|fifth|next|last|final)\s+)?"
    r"(?:problem|issue|concern)\b[,\s]*(?:(?:of|for|with)\s+)?)?", re.IGNORECASE)
_DETERMINER = re.compile(r"^(?:the patient's|their|his|her|the|this)\s+", re.IGNORECASE)
_EMPTY_WORDS = {"the", "and", "they", "them", "their", "clinician", "patient", "patient's", "thinks", "think", "that",
                "this", "with", "will", "just", "about", "then", "have", "has", "having", "probably", "likely"}


def _without_problem_lead(text: str, problem: str) -> str | None:
    """The statement without its lead naming the problem; None when nothing else is left to say."""
    lead = _PROBLEM_LEAD.match(text)
    rest = text[lead.end():] if lead else text
    name = re.sub(r"^probable\s+", "", problem.rstrip(".").lower())
    # The doctor may have said it in lay words ("high blood pressure" for Hypertension).
    said_as = sorted([name, *(lay for lay, clinical in CLINICAL_NAMES.items() if clinical.lower() == name)],
                     key=len, reverse=True)
    named = _DETERMINER.sub("", rest, count=1)
    spoken = next((s for s in said_as if named.lower().startswith(s)), None)
    if spoken:
        rest = named[len(spoken):]
    elif not lead or not re.search(r"\b(problem|issue|concern)\b", lead.group(0), re.IGNORECASE):
        return text
    rest = rest.lstrip(" ,-")
    # "..., it's not well controlled": "it" is the problem just named.
    rest = re.sub(r"^it(?:'s| is)\b", name[:1].upper() + name[1:] + " is", rest, flags=re.IGNORECASE)
    # Nothing left but the problem again ("the clinician thinks they have an acute lumbar strain").
    if len([w for w in re.findall(r"[a-z']{3,}", rest.lower()) if w not in _EMPTY_WORDS | set(name.split())]) < 2:
        return None
    return rest[:1].upper() + rest[1:]


def _numbered_problems(statements: list[Statement], problems: set[str]) -> list[Statement]:
    """The problems the doctor walked through, numbered as a problem list ("1. Acute lumbar strain."), each
    followed by what was said about it. Enumerators are layout: the checks read past them (support.py)."""
    out: list[Statement] = []
    number, header = 0, None
    for st in statements:
        if st.text in problems:
            number += 1
            header = st
            st = Statement(text=f"{number}. {st.text}", evidence=st.evidence)
        elif header is not None:
            if set(st.evidence) & set(header.evidence):  # said in the turn that named the problem
                text = _without_problem_lead(st.text, header.text)
                header = None
                if text is None:
                    continue
                st = Statement(text=text, evidence=st.evidence)
            header = None
        out.append(st)
    return out


def render(facts: list[Fact], template: NoteTemplate, *, writer: str) -> Note:
    all_sources = {spec.key: sources_of(spec) for spec in template.sections}
    pool = _derived(facts, {src for sources in all_sources.values() for src in sources})
    sections = []
    # A fact section shown by its own template section (ACI's "cc") is not repeated under a broader one.
    own = set(all_sources) & set(SECTION_SOURCES)
    for spec in template.sections:
        sources = tuple(src for src in all_sources[spec.key] if src == spec.key or src not in own)
        chosen = sorted((f for f in pool if f.section in sources), key=lambda f: (sources.index(f.section), f.order))
        answers = [f for f in chosen if f.kind in ("positive", "negative")]
        exam = [f for f in chosen if f.section == "exam" and f.kind not in ("positive", "negative")]
        statements = []
        for f in chosen:
            if f.kind in ("positive", "negative") or (f.section == "exam" and f is not exam[0]):
                continue
            if f.section == "exam":  # the whole examination, by body system, where it begins
                statements += by_body_system(exam)
            else:
                statements.append(Statement(text=_labelled(f, spec.key), evidence=list(f.evidence)))
        statements = _without_repeats(statements) + _merge_answers(answers)
        unique: list[Statement] = []
        for st in statements:
            if all(st.text.lower() != u.text.lower() for u in unique):
                unique.append(st)
        problems = {f.text for f in chosen if f.kind == "problem"}
        sections.append(Section(key=spec.key, title=spec.title, statements=_numbered_problems(unique, problems)))
    # `extractive` marks a note drafted without a language model (the page labels it so).
    return Note(template=template.name, sections=sections, writer=writer, extractive=True)
