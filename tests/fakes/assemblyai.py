"""A faithful fake of AssemblyAI's async API (/v2) and LLM Gateway (/v1), over real HTTP on 127.0.0.1.

Behaviour follows shared/reference/assemblyai/CONTRACT.md (§1.3-1.4 errors, §2.1-2.6 transcripts,
§3.1-3.3 gateway). Tests point the real client at `base_url` / `gateway_url` and then assert on what
the fake saw (`received`, `transcripts`, `gateway_requests`, ...), instead of patching anything.

    with FakeAssemblyAI() as fake:
        client = AssemblyAIClient(base_url=fake.base_url, api_key=fake.api_key)
        ...
        assert fake.gateway_requests[rid]["deleted"]

Transcripts advance only when polled: GETs 1..polls_before_processing answer "queued", further GETs
up to polls_before_complete (counted from the first GET) answer "processing", the next one answers
the final status. Shell use (cross-process tests): `python -m tests.fakes.assemblyai --port 0`
prints the URLs; `GET /_fake/state` and `POST /_fake/inject` control it over HTTP.
"""

from __future__ import annotations

import argparse
import collections
import copy
import datetime as dt
import http
import json
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import assemblyai_gateway as gateway
from . import assemblyai_transcripts as tx
from .assemblyai_http import FakeHTTPServer, Fault, ReceivedRequest, Reply, Upload
from .assemblyai_schema import default_dialogue_path, gateway_request_error, transcript_params_error

__all__ = ["FakeAssemblyAI", "ReceivedRequest"]

AUTH_ERROR = "Authentication error, API token missing/invalid"
LOOKUP_ERROR = "Transcript lookup error, transcript id not found"
SERVER_ERROR = "Server error, developers have been alerted."
_FINAL = ("completed", "error")


@dataclass
class _Job:
    request: dict[str, Any]
    created: dt.datetime
    fail_error: str | None
    polls: int = 0
    completed: dt.datetime | None = None


class FakeAssemblyAI:
    """One fake serving both products on one port. All recorded state is read under the fake's own
    lock while it runs; tests read it after the client call returns, which is race-free."""

    def __init__(self, *, api_key: str = "test-key", dialogue_path: str | Path | None = None,
                 polls_before_processing: int = 1, polls_before_complete: int = 2, port: int = 0,
                 speaker_identification: bool = True) -> None:
        self.api_key = api_key
        self.dialogue_path = Path(dialogue_path) if dialogue_path else None
        self.polls_before_processing = polls_before_processing
        self.polls_before_complete = polls_before_complete
        self.port = port
        self.speaker_identification = speaker_identification

        self.received: list[ReceivedRequest] = []
        self.uploads: dict[str, int] = {}
        self.upload_sha256: dict[str, str] = {}
        self.transcripts: dict[str, dict[str, Any]] = {}
        self.gateway_requests: dict[str, dict[str, Any]] = {}
        self.completed_at: dict[str, float] = {}
        self.schema_errors: list[str] = []
        self.internal_errors: list[str] = []  # tracebacks of bugs in the fake itself (answered 500)
        self.down = False
        # When set, a created transcript's reply waits until this event is set (the job already exists):
        # a test can act between the service creating a job and the client learning its id.
        self.hold_create_reply: threading.Event | None = None
        self.gateway_malformed = False
        self.gateway_malformed_times = 0  # 0: every call while gateway_malformed is True
        self.gateway_malformed_kind = "not_json"  # or "bad_schema"

        self._lock = threading.RLock()
        self._received_more = threading.Condition(self._lock)
        self._jobs: dict[str, _Job] = {}
        self._deleted_uploads: set[str] = set()
        self._faults: list[Fault] = []
        self._fail_next: collections.deque[str] = collections.deque()
        self._turns: list[tx.Turn] | None = None
        self._server: FakeHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeAssemblyAI:
        self._server = FakeHTTPServer(("127.0.0.1", self.port), self)
        self.port = self._server.server_address[1]
        # A short poll interval keeps stop() fast (shutdown waits for the serve loop's next poll).
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="fake-assemblyai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.close_all_connections()
        self._server.server_close()
        self._server = None

    def __enter__(self) -> FakeAssemblyAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def gateway_url(self) -> str:
        return f"{self.base_url}/v1"

    # --- fault injection (thread-safe) ----------------------------------------------------------

    def inject_status(self, path_prefix: str, status: int, *, times: int = 1,
                      retry_after: int | float | str | None = None, method: str | None = None,
                      body: Any = None) -> None:
        """Answer the next `times` matching requests with `status`. A 429 always carries Retry-After
        (1 s unless given), as the real API's does."""
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._faults.append(Fault("status", path_prefix, method, times, status, retry_after, body))

    def inject_drop(self, path_prefix: str, *, times: int = 1, method: str | None = None,
                    after_bytes: int = 0) -> None:
        """Close the connection without answering (after reading `after_bytes` of the body)."""
        with self._lock:
            self._faults.append(Fault("drop", path_prefix, method, times, after_bytes=after_bytes))

    def inject_lost_reply(self, path_prefix: str, *, times: int = 1, method: str | None = None) -> None:
        """Act on the next `times` matching requests, then close the connection without answering."""
        with self._lock:
            self._faults.append(Fault("lost_reply", path_prefix, method, times))

    def inject_malformed(self, path_prefix: str, body: Any, *, times: int = 1, method: str | None = None) -> None:
        """Act on the next `times` matching requests, then answer 200 with `body` (str: sent as is)."""
        with self._lock:
            self._faults.append(Fault("malformed", path_prefix, method, times, body=body))

    def count(self, method: str, path_prefix: str) -> int:
        """Requests received so far with this method whose target starts with `path_prefix` (query included)."""
        with self._lock:
            return sum(1 for r in self.received if r.method == method and r.path.startswith(path_prefix))

    def fail_next_transcript(self, error: str = "Download error, unable to download the audio file. "
                             "Please make sure the file exists and is accessible from the internet.") -> None:
        with self._lock:
            self._fail_next.append(error)

    def set_gateway_malformed(self, times: int = 0, kind: str = "not_json") -> None:
        """The next `times` gateway answers (0: all, until reset) carry a broken note."""
        if kind not in gateway.MALFORMED:
            raise ValueError(f"kind must be one of {sorted(gateway.MALFORMED)}")
        with self._lock:
            self.gateway_malformed, self.gateway_malformed_times, self.gateway_malformed_kind = True, times, kind

    # --- called by the HTTP handler -------------------------------------------------------------

    def record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self.received.append(request)
            self._received_more.notify_all()

    def wait_for_request(self, method: str, path_prefix: str, *, timeout: float = 30.0) -> ReceivedRequest:
        """Block until a request matching method and path prefix has arrived (an event, not a sleep)."""
        def match() -> ReceivedRequest | None:
            return next((r for r in self.received if r.method == method and r.path.startswith(path_prefix)), None)

        with self._received_more:
            if not self._received_more.wait_for(lambda: match() is not None, timeout=timeout):
                raise TimeoutError(f"no {method} {path_prefix}* within {timeout} s")
            found = match()
            assert found is not None
            return found

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def fault_reply(self, fault: Fault, path: str) -> Reply:
        status = fault.status
        message = ("Too Many Requests" if status == 429 else SERVER_ERROR if status >= 500
                   else http.HTTPStatus(status).phrase)
        body = fault.body if fault.body is not None else (
            _gateway_error(status, message).body if path.startswith("/v1/") else {"error": message})
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        return Reply(status, body, headers)

    def dispatch(self, method: str, target: str, authorization: str | None, body: Any) -> Reply:
        url = urlsplit(target)
        parts = url.path.strip("/").split("/")
        if parts[0] == "v1":
            if authorization not in (self.api_key, f"Bearer {self.api_key}"):
                return _gateway_error(401, AUTH_ERROR)
            if parts[1:3] == ["chat", "completions"]:
                if len(parts) == 3 and method == "POST":
                    return self._chat_completion(body)
                if len(parts) == 4 and method == "DELETE":
                    return self._delete_chat_completion(parts[3])
            return _gateway_error(404, "Not found")
        if parts[0] != "v2":
            return Reply(404, {"error": "Not found"})
        if authorization != self.api_key:  # raw key; /v2 does not take "Bearer" (CONTRACT §1.2)
            return Reply(401, {"error": AUTH_ERROR})
        route = (method, *parts[1:2], len(parts))
        if route == ("POST", "upload", 2):
            return self._upload(body)
        if route == ("POST", "transcript", 2):
            return self._create_transcript(body)
        if route == ("GET", "transcript", 2):
            return self._list_transcripts(parse_qs(url.query))
        if route == ("GET", "transcript", 3):
            return self._get_transcript(parts[2])
        if route == ("DELETE", "transcript", 3):
            return self._delete_transcript(parts[2])
        return Reply(404, {"error": "Not found"})

    # --- /v2 ------------------------------------------------------------------------------------

    def _upload(self, upload: Upload) -> Reply:
        upload_id = str(uuid.uuid4())
        with self._lock:
            self.uploads[upload_id] = upload.size
            self.upload_sha256[upload_id] = upload.sha256
        return Reply(200, {"upload_url": tx.UPLOAD_URL_PREFIX + upload_id})

    def _create_transcript(self, body: Any) -> Reply:
        error = "Invalid JSON in request body" if isinstance(body, bytes) else transcript_params_error(body)
        if error:
            with self._lock:
                self.schema_errors.append(error)
            return Reply(400, {"error": error})
        transcript_id = str(uuid.uuid4())
        status = "queued" if self.polls_before_processing > 0 else "processing"
        obj = tx.queued_transcript(transcript_id, body, status)
        with self._lock:
            fail = self._fail_next.popleft() if self._fail_next else None
            if fail is None and not self._is_our_upload(body["audio_url"]):
                fail = tx.download_error(body["audio_url"])
            self._jobs[transcript_id] = _Job(copy.deepcopy(body), _now(), fail)
            self.transcripts[transcript_id] = obj
            reply = Reply(200, copy.deepcopy(obj))
        if self.hold_create_reply is not None:
            self.hold_create_reply.wait(timeout=60)
        return reply

    def _is_our_upload(self, audio_url: str) -> bool:
        upload_id = audio_url.removeprefix(tx.UPLOAD_URL_PREFIX)
        return (audio_url.startswith(tx.UPLOAD_URL_PREFIX) and upload_id in self.uploads
                and upload_id not in self._deleted_uploads)

    def _get_transcript(self, transcript_id: str) -> Reply:
        with self._lock:
            job, obj = self._jobs.get(transcript_id), self.transcripts.get(transcript_id)
            if job is None or obj is None:
                return Reply(400, {"error": LOOKUP_ERROR})
            if obj["status"] not in _FINAL:
                job.polls += 1
                obj["status"] = self._status_after(job.polls)
                if obj["status"] in _FINAL:
                    self._finish(transcript_id, job, obj)
            return Reply(200, copy.deepcopy(obj))

    def _status_after(self, polls: int) -> str:
        if polls <= self.polls_before_processing:
            return "queued"
        if polls <= max(self.polls_before_complete, self.polls_before_processing):
            return "processing"
        return "completed"

    def _finish(self, transcript_id: str, job: _Job, obj: dict[str, Any]) -> None:
        job.completed = _now()
        if job.fail_error is not None:
            obj.update(tx.error_fields(job.fail_error))
            return
        obj.update(tx.completed_fields(job.request, self._dialogue(),
                                       speaker_identification=self.speaker_identification))
        self.completed_at[transcript_id] = time.time()

    def _dialogue(self) -> list[tx.Turn]:
        if self._turns is None:
            self._turns = tx.parse_dialogue(self.dialogue_path or default_dialogue_path())
        return self._turns

    def _delete_transcript(self, transcript_id: str) -> Reply:
        with self._lock:
            job, obj = self._jobs.get(transcript_id), self.transcripts.get(transcript_id)
            if job is None or obj is None:
                return Reply(400, {"error": LOOKUP_ERROR})
            if obj["status"] not in _FINAL:  # undocumented; CONTRACT §2.5 assumption
                return Reply(400, {"error": "Transcript is still processing and cannot be deleted yet. "
                                            "Please try again once it has completed."})
            self.transcripts[transcript_id] = deleted = tx.deleted_transcript(obj)
            audio_url = job.request.get("audio_url", "")
            if audio_url.startswith(tx.UPLOAD_URL_PREFIX):  # uploads go with their transcript (§2.1)
                self._deleted_uploads.add(audio_url.removeprefix(tx.UPLOAD_URL_PREFIX))
            job.request = {}  # the fake forgets the request too (it may hold PHI: keyterms, prompt)
            return Reply(200, copy.deepcopy(deleted))

    def _list_transcripts(self, query: dict[str, list[str]]) -> Reply:
        with self._lock:
            items = [{"id": i, "resource_url": f"{self.base_url}/v2/transcript/{i}", "status": o["status"],
                      "created": self._jobs[i].created.isoformat(),
                      "completed": c.isoformat() if (c := self._jobs[i].completed) else None,
                      "audio_url": o["audio_url"], "error": o.get("error")}
                     for i, o in reversed(self.transcripts.items())]  # newest first
        try:
            return Reply(200, tx.transcript_list(items, query, f"{self.base_url}/v2/transcript"))
        except ValueError as exc:
            return Reply(400, {"error": str(exc)})

    # --- /v1 LLM Gateway ------------------------------------------------------------------------

    def _chat_completion(self, body: Any) -> Reply:
        started = time.perf_counter_ns()
        error = gateway_request_error(body)
        if error is None and body.get("stream"):
            error = "Invalid request: the fake gateway does not stream; send stream=false"
        if error:
            with self._lock:
                self.schema_errors.append(error)
            return _gateway_error(400, error)
        if gateway.has_content_array(body):
            return _gateway_error(500, "Internal server error")
        content = self._take_malformed() or json.dumps(gateway.write_note(body))
        request_id = str(uuid.uuid4())
        with self._lock:
            self.gateway_requests[request_id] = {"request": copy.deepcopy(body), "deleted": False}
        input_tokens = max(1, len(gateway.prompt_text(body)) // 4)
        output_tokens = max(1, len(content) // 4)
        return Reply(200, {
            "request_id": request_id,
            "choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "request": {k: v for k, v in body.items() if k not in ("messages", "prompt")},
            "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens,
                      "total_tokens": input_tokens + output_tokens},
            "response_time": time.perf_counter_ns() - started,
            "llm_status_code": 200,
        })

    def _take_malformed(self) -> str | None:
        with self._lock:
            if not self.gateway_malformed:
                return None
            if self.gateway_malformed_times > 0:
                self.gateway_malformed_times -= 1
                self.gateway_malformed = self.gateway_malformed_times > 0
            return gateway.MALFORMED[self.gateway_malformed_kind]

    def _delete_chat_completion(self, request_id: str) -> Reply:
        with self._lock:
            entry = self.gateway_requests.get(request_id)
            if entry is None or entry["deleted"]:  # deleted requests are gone
                return _gateway_error(404, "Request not found")
            entry["deleted"] = True
        return Reply(200, {"success": True, "message": "Request successfully deleted", "request_id": request_id})

    # --- /_fake control channel (cross-process tests) -------------------------------------------

    def control(self, method: str, path: str, body: Any) -> Reply:
        if method == "GET" and path == "/_fake/state":
            return Reply(200, self.state())
        if method == "POST" and path == "/_fake/inject" and isinstance(body, dict):
            args = {k: v for k, v in body.items() if k != "kind"}
            try:
                self._inject(body.get("kind"), args)
            except (TypeError, ValueError) as exc:
                return Reply(400, {"error": f"bad injection: {exc}"})
            return Reply(200, {"ok": True})
        return Reply(404, {"error": "Not found"})

    def _inject(self, kind: Any, args: dict[str, Any]) -> None:
        if kind == "status":
            self.inject_status(**args)
        elif kind == "drop":
            self.inject_drop(**args)
        elif kind == "lost_reply":
            self.inject_lost_reply(**args)
        elif kind == "malformed":
            self.inject_malformed(**args)
        elif kind == "fail_next_transcript":
            self.fail_next_transcript(**args)
        elif kind == "down":
            self.down = bool(args.get("down", args.get("value", True)))
        elif kind == "gateway_malformed":
            self.set_gateway_malformed(**args)
        else:
            raise ValueError(f"unknown kind {kind!r}")

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "transcripts": {i: {"status": o["status"], "completed_at": self.completed_at.get(i),
                                    "deleted": o.get("text") == "Deleted by user."}
                                for i, o in self.transcripts.items()},
                "uploads": len(self.uploads),
                "gateway_requests": {i: {"deleted": e["deleted"]} for i, e in self.gateway_requests.items()},
                "received_count": len(self.received),
                "schema_errors": list(self.schema_errors),
            }


def _gateway_error(status: int, message: str) -> Reply:
    return Reply(status, {"error": {"code": status, "message": message, "metadata": {}}})


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.assemblyai", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", default="test-key")
    parser.add_argument("--dialogue", default=None, help="D:/P: transcript the fake 'transcribes'")
    parser.add_argument("--polls-before-processing", type=int, default=1)
    parser.add_argument("--polls-before-complete", type=int, default=2)
    args = parser.parse_args(argv)
    fake = FakeAssemblyAI(api_key=args.api_key, dialogue_path=args.dialogue, port=args.port,
                          polls_before_processing=args.polls_before_processing,
                          polls_before_complete=args.polls_before_complete).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"FAKE_ASSEMBLYAI_URL={fake.base_url}", flush=True)
    print(f"FAKE_LLM_GATEWAY_URL={fake.gateway_url}", flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
