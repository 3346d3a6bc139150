"""Every template through both note writers (the LLM one against the fake Gateway over real HTTP), and
the LLM after-visit summary checked sentence by sentence."""

from __future__ import annotations

import json

import pytest

from scribe_core.documents.summary import FOUND, TODO, WARNING
from scribe_core.documents.summary_llm import SUMMARY_TEMPLATE, note_as_lines, summarize_with_writer
from scribe_core.documents.templates import builtin_templates
from scribe_core.model import Statement
from scribe_core.notes.extractive import ExtractiveNoteWriter
from scribe_core.notes.llm import ChatCompletionsNoteWriter
from scribe_core.section_roles import fact_sources, role_of
from tests.fakes.assemblyai import FakeAssemblyAI

TEMPLATES = list(builtin_templates().values())


@pytest.fixture(scope="module")
def gateway():
    with FakeAssemblyAI() as fake:
        yield fake


def llm_writer(fake: FakeAssemblyAI) -> ChatCompletionsNoteWriter:
    return ChatCompletionsNoteWriter(base_url=fake.gateway_url, model="documents-model", api_key=fake.api_key,
                                     sleep=lambda s: None)


def _last_request_body(fake: FakeAssemblyAI) -> dict:
    posts = [r for r in fake.received if r.method == "POST" and r.path.endswith("/chat/completions")]
    return posts[-1].json


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.name for t in TEMPLATES])
def test_the_llm_writer_gets_every_section_in_its_prompt_and_schema(gateway, template, transcript):
    note = llm_writer(gateway).draft(transcript, template).note
    assert [s.key for s in note.sections] == [s.key for s in template.sections]
    assert [s.title for s in note.sections] == [s.title for s in template.sections]
    body = _last_request_body(gateway)
    schema = body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["sections"]["items"]["properties"]["key"]["enum"] == [s.key for s in template.sections]
    prompt = body["messages"][1]["content"]
    for spec in template.sections:
        assert f"- {spec.key} ({spec.title}): {spec.guidance}" in prompt
    valid = transcript.utterance_ids()
    assert all(set(st.evidence) <= valid for st in note.statements())


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.name for t in TEMPLATES])
def test_the_offline_writer_keeps_every_templates_sections_and_citations(template, transcript):
    note = ExtractiveNoteWriter().draft(transcript, template).note
    assert [(s.key, s.title) for s in note.sections] == [(s.key, s.title) for s in template.sections]
    assert all(st.evidence and set(st.evidence) <= transcript.utterance_ids() for st in note.statements())


def test_every_section_of_every_template_has_fact_sources_for_the_offline_writer():
    for template in TEMPLATES:
        for spec in template.sections:
            if role_of(spec) != "allergies":  # the offline writer keeps no allergy facts yet
                assert fact_sources(spec), (template.name, spec.key)


@pytest.mark.parametrize("name", ["cardiology_followup", "dermatology", "musculoskeletal", "pediatrics",
                                  "behavioral_dap", "progress"])
def test_the_offline_writer_fills_every_required_section_by_its_code_or_role(transcript, name):
    template = builtin_templates()[name]
    note = ExtractiveNoteWriter().draft(transcript, template).note
    filled = {s.key for s in note.sections if s.statements}
    assert {s.key for s in template.sections if s.required} <= filled


def test_the_llm_summary_cites_note_statements_and_drops_what_it_cannot_trace(gateway, note):
    note.sections[3].statements.append(Statement("Take warfarin 5 mg nightly.", []))  # unsupported: never sent
    summary, result = summarize_with_writer(note, llm_writer(gateway))
    body = _last_request_body(gateway)
    prompt = body["messages"][1]["content"]
    assert "warfarin" not in prompt
    assert SUMMARY_TEMPLATE.sections[0].guidance in prompt
    assert [p.heading for p in summary.parts] == [s.title for s in SUMMARY_TEMPLATE.sections]
    statements = {f"{sec.key}#{i}" for sec in note.sections for i in range(len(sec.statements))}
    assert summary.sentences(), "the fake Gateway answers with statements citing the note lines"
    for sentence in summary.sentences():
        assert sentence.sources and set(sentence.sources) <= statements
    # The fake always adds one statement citing a line that does not exist: it must not survive.
    assert "Return if symptoms worsen." not in [s.text for s in summary.sentences()]
    assert result.remote_request_ids and all(gateway.gateway_requests[r]["deleted"] for r in result.remote_request_ids)
    assert {FOUND, TODO, WARNING} <= {p.heading for p in summary.parts}


def test_note_lines_sent_to_the_writer_keep_their_statement_references(note):
    lines, refs = note_as_lines(note)
    assert refs["U1"] == "subjective#0" and lines.by_id("U1").text.startswith("Subjective: Chest tightness")
    assert json.dumps(refs)  # plain data, nothing else travels


def test_the_patients_name_and_number_are_masked_before_the_llm_summary_is_requested(gateway, note, transcript):
    from scribe_core.documents.summary import MEDICINES
    from scribe_core.patient import MRN_PLACEHOLDER, NAME_PLACEHOLDER, PatientIdentity

    note.sections[0].statements[0].text = "Ana Diaz (MRN 4471902) has chest tightness on climbing stairs."
    patient = PatientIdentity("Ana Diaz", "4471902")
    summary, _ = summarize_with_writer(note, llm_writer(gateway), patient=patient, transcript=transcript,
                                       clinician="Dana Smith, MD")
    sent = json.dumps(_last_request_body(gateway))
    assert "Ana" not in sent and "Diaz" not in sent and "4471902" not in sent
    assert NAME_PLACEHOLDER in sent and MRN_PLACEHOLDER in sent
    assert not any(NAME_PLACEHOLDER in s.text or MRN_PLACEHOLDER in s.text for s in summary.sentences())
    # The medicines come from what was said at the visit, as in the offline summary; the summary is signed.
    medicines = [s.text for p in summary.parts if p.heading == MEDICINES for s in p.sentences]
    assert "Start aspirin 75 mg daily." in medicines
    assert summary.text().rstrip().endswith("Your clinician: Dana Smith, MD")
