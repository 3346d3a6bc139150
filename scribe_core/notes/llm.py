"""Note writer over any OpenAI-compatible chat-completions endpoint.

AssemblyAI's LLM Gateway by default; Ollama, vLLM, a llama.cpp server or OpenAI by pointing
LLM_GATEWAY_BASE_URL / LLM_MODEL / LLM_API_KEY at them. Gateway quirks handled here (CONTRACT §3):
message content must be a plain string; requests can be deleted with DELETE .../{request_id}.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable

import requests

from ..errors import NoteDraftError, RemoteServiceError
from ..http import HttpClient, Resend
from ..model import Note, RemoteDeletion, Section, Statement, Transcript
from ..note_template import NoteTemplate
from .base import DraftResult
from .prompt import SYSTEM_PROMPT, note_schema, user_prompt

log = logging.getLogger(__name__)

_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)


class NoteFormatError(ValueError):
    """The model's answer is not a note in the agreed JSON shape (the text is never included)."""


def parse_note(content: str, template: NoteTemplate, valid_ids: set[str]) -> Note:
    """Validate the model's JSON; keep only citations to real utterances; flag uncited statements."""
    try:
        data = json.loads(_FENCE.sub("", content.strip()))
    except (ValueError, TypeError) as exc:
        raise NoteFormatError("the answer is not JSON") from exc
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
        raise NoteFormatError("the answer has no 'sections' list")
    by_key: dict[str, list[Statement]] = {s.key: [] for s in template.sections}
    for section in data["sections"]:
        if not isinstance(section, dict) or not isinstance(section.get("statements", []), list):
            raise NoteFormatError("a section is not an object with a 'statements' list")
        key = section.get("key")
        if key not in by_key:
            continue  # a section the template does not have: ignored rather than failing the note
        for st in section.get("statements", []):
            if not isinstance(st, dict) or not isinstance(st.get("text"), str):
                raise NoteFormatError("a statement has no 'text'")
            text = " ".join(st["text"].split())
            if not text:
                continue
            cited = st.get("evidence")
            evidence = [str(e).strip("[] ") for e in cited] if isinstance(cited, list) else []
            evidence = list(dict.fromkeys(e for e in evidence if e in valid_ids))
            by_key[key].append(Statement(text=text, evidence=evidence))
    return Note(
        template=template.name,
        sections=[Section(s.key, s.title, by_key[s.key]) for s in template.sections],
    )


class ChatCompletionsNoteWriter:
    # Capabilities (scribe_core.providers). Each instance names itself "llm:<model>" in the notes it writes.
    name = "llm"
    label = "Language model"
    sends_audio_off_device = False
    sends_text_off_device = True
    key_setting: str | None = "LLM_API_KEY"
    endpoint_setting: str | None = "llm_gateway_base_url"

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str = "",
        structured_output: bool = True,
        forget_after_use: bool = True,
        max_tokens: int = 4000,
        sleep: Callable[[float], None] = time.sleep,
        key_setting: str = "LLM_API_KEY (or ASSEMBLYAI_API_KEY for the LLM Gateway)",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.structured_output = structured_output
        self.forget_after_use = forget_after_use
        self.max_tokens = max_tokens
        self.name = f"llm:{model}"
        self.http = HttpClient("the note-writing LLM endpoint", key_setting, timeout_s=(10.0, 180.0), sleep=sleep)
        if api_key:
            # The Gateway takes the raw key; OpenAI-style servers take Bearer. The Gateway accepts both.
            self.http.session.headers["Authorization"] = f"Bearer {api_key}"

    def _complete(self, messages: list[dict], template: NoteTemplate) -> tuple[str, str | None]:
        body: dict = {"model": self.model, "messages": messages, "max_tokens": self.max_tokens, "temperature": 0}
        if self.structured_output:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "clinical_note", "schema": note_schema(template), "strict": True},
            }
        try:
            # Resent only when refused (429/5xx) or never received: a repeat writes nothing lasting,
            # but a request that may have run is not repeated blindly.
            response = self.http.request("POST", f"{self.base_url}/chat/completions", json=body,
                                         resend=Resend.IF_REFUSED)
        except RemoteServiceError as exc:
            if self.structured_output and exc.status_code in (400, 422):
                # Some endpoints (gpt-oss on the Gateway, older servers) reject response_format.
                self.structured_output = False
                return self._complete(messages, template)
            raise
        data = self.http.json_object(response, "chat completion")
        request_id = data.get("request_id") or data.get("id")
        if request_id is not None and not isinstance(request_id, str):
            raise self.http.malformed("chat completion", "'request_id' is not a string")
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            content = ""
        return content if isinstance(content, str) else "", request_id

    def draft(self, transcript: Transcript, template: NoteTemplate, context: str = "") -> DraftResult:
        if not transcript.utterances:
            raise NoteDraftError("The transcript is empty: there is nothing to write a note from.")
        messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": user_prompt(transcript, template, context)},
        ]
        request_ids: list[str] = []
        valid_ids = transcript.utterance_ids()
        note = None
        for attempt in (1, 2):
            content, request_id = self._complete(messages, template)
            if request_id:
                request_ids.append(request_id)
            try:
                note = parse_note(content, template, valid_ids)
                break
            except NoteFormatError as exc:
                log.warning("note writer answer rejected (attempt %d): %s", attempt, exc)
                messages = messages[:2] + [
                    {"role": "assistant", "content": content[:4000]},
                    {"role": "user", "content": f"That answer was invalid ({exc}). Reply again with only "
                     "the JSON object described, nothing else."},
                ]
        deletions = [d for d in (self.forget(r) for r in request_ids) if d] if self.forget_after_use else []
        if note is None:
            raise NoteDraftError(
                f"The note writer ({self.model}) twice answered with something that is not a valid note. "
                "Re-draft the note, or choose another LLM_MODEL."
            )
        note.writer = self.name
        return DraftResult(note=note, remote_request_ids=request_ids, remote_deletions=deletions)

    def forget(self, request_id: str) -> RemoteDeletion | None:
        """Ask the endpoint to delete the request (LLM Gateway); others may not support it."""
        try:
            response = self.http.request(
                "DELETE", f"{self.base_url}/chat/completions/{request_id}", ok_statuses=(200, 204)
            )
        except RemoteServiceError as exc:
            return RemoteDeletion("llm_request", request_id, False, f"not confirmed: HTTP {exc.status_code}")
        confirmed = response.status_code == 204 or bool(_json_or_empty(response).get("success"))
        return RemoteDeletion("llm_request", request_id, confirmed,
                              "deleted" if confirmed else "server did not confirm")


def _json_or_empty(response: requests.Response) -> dict:
    try:
        data = response.json()
        return data if isinstance(data, dict) else {}
    except ValueError:
        return {}
