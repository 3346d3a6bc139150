"""Live visits as use cases: begin (with consent), stop, finish into an ordinary encounter, resume the
finishing of an interrupted visit, discard, and retention.

While a visit runs its audio and plan are files under `<data_dir>/live/` (usecases/unfinished_visits.py). At stop the
journal becomes the encounter's recording (same id) and the encounter is queued like an upload: by
default the whole recording goes through the ordinary engine (`SCRIBE_LIVE_FINAL_TRANSCRIPT=batch`: best
accuracy, confirmed roles); with `streamed` the live transcript is kept (redacted locally when
SCRIBE_REDACT_PII is on) and only the note is drafted. A visit whose process died (closed tab, crash,
restart) is listed by `interrupted` and finished the same way, with all audio up to that moment.

Consent is recorded in the audit log against the visit's id, which becomes the encounter's id, and on
the encounter itself (Encounter.consent: who recorded it, and when).
Streaming session ids are kept as the encounter's checkpoints (`checkpoint:streaming_session:<n>`), so
a purge erases them with the encounter; AssemblyAI keeps no streaming audio or text for accounts opted
out of model training (CONTRACT §4.6), and there is nothing to delete remotely.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import datetime

from .. import audio as audio_probe
from ..access import Viewer
from ..audio_magic import AudioRejected
from ..config import Settings
from ..errors import EncounterNotFoundError, InvalidStateError, ScribeError
from ..keyterms import parse_keyterms
from ..model import Encounter, EncounterState, utc_now
from ..usecases.intake import AudioSource, rejection_message
from ..usecases.scribe import Scribe
from ..usecases.unfinished_visits import InterruptedVisit, VisitFiles, VisitPlan, discard_expired_visits, recorder
from .session import LiveOutcome, LiveSession, LiveStreamer
from .settings import final_transcript, live_whisper_model_dir, streaming_url

__all__ = ["ConsentRequiredError", "InterruptedVisit", "LiveVisits", "VisitPlan"]


class ConsentRequiredError(ScribeError):
    pass


StreamerFactory = Callable[[VisitPlan], LiveStreamer]


class LiveVisits:
    def __init__(self, scribe: Scribe, settings: Settings, *, streamer_factory: StreamerFactory | None = None) -> None:
        self.scribe, self.settings = scribe, settings
        self.store = scribe.store
        self.files = VisitFiles(self.store)
        self.dir = self.store.live_dir
        self._make_streamer = streamer_factory or self._default_streamer
        self._active: dict[str, LiveSession] = {}
        self._lock = threading.Lock()
        # Visits never finished fall under the same retention as encounters: the app calls
        # discard_expired once at start (ui/services.py), then the scribe's retention sweep does.

    # -- begin and stop ---------------------------------------------------------------------------
    def begin(self, *, by: Viewer, consent: bool, keyterms: list[str] | tuple[str, ...] = (), context: str = "",
              template: str = "soap", engine: str | None = None) -> LiveSession:
        if self.settings.live_consent_required and not consent:
            raise ConsentRequiredError("Tick 'The patient agreed to be recorded' before starting: this clinic "
                                       "records a live visit only with the patient's agreement.")
        engine = engine or self.scribe.default_engine
        if engine not in self.scribe.transcribers:
            raise ScribeError(f"Unknown engine {engine!r}; choose one of: {', '.join(self.scribe.transcribers)}")
        self.scribe.templates.get(template)  # refuses an unknown template, listing the known ones
        now = utc_now().isoformat()
        host, pid = recorder()
        plan = VisitPlan(id=uuid.uuid4().hex[:12], owner=by.name, started=now, engine=engine,
                         keyterms=parse_keyterms(keyterms), context=context.strip(),
                         template=template, consent=consent, consent_by=by.name if consent else None,
                         consent_at=now if consent else None, host=host, pid=pid)
        self.files.save_plan(plan)
        self.store.audit("live_visit_started", plan.id, actor=by.name, remote_result=f"engine={engine}")
        if consent:
            self.store.audit("live_consent_recorded", plan.id, actor=by.name,
                             remote_result="the patient agreed to be recorded")
        session = LiveSession(encounter_id=plan.id, streamer=self._make_streamer(plan),
                              recording=self.store.open_live_journal(plan.id))
        self.files.mark_running(plan.id, True)
        try:
            session.start()
        except BaseException:
            self.files.mark_running(plan.id, False)
            raise
        with self._lock:
            self._active[plan.id] = session
        return session

    def stop(self, visit_id: str, *, by: Viewer) -> Encounter:
        """Stop the microphone's visit and turn it into an encounter queued for the worker."""
        session = self.session(visit_id, by=by)
        outcome = session.stop()
        self.store.audit("live_visit_stopped", visit_id, actor=by.name,
                         remote_result=f"recorded_s={outcome.duration_s:.1f}")
        try:
            return self.finish(visit_id, by=by, outcome=outcome)
        finally:
            with self._lock:
                self._active.pop(visit_id, None)
            self.files.mark_running(visit_id, False)

    def session(self, visit_id: str, *, by: Viewer) -> LiveSession:
        with self._lock:
            session = self._active.get(visit_id)
        if session is None:
            raise EncounterNotFoundError("This live visit is not running (it stopped, or the app restarted).")
        self._check(self._plan(visit_id), by)
        return session

    # -- finish, interrupted, discard -----------------------------------------------------------------
    def finish(self, visit_id: str, *, by: Viewer, outcome: LiveOutcome | None = None) -> Encounter:
        """The recorded audio becomes an ordinary encounter (same id). Safe to call again after a crash.
        One app server at a time: two clinicians pressing Finish on two servers make one encounter."""
        with self.store.hold_live_visit(visit_id) as held:
            if not held:
                raise InvalidStateError("This live visit is being finished on another app server right now.")
            plan = self._plan_or_none(visit_id)
            if outcome is None and plan is not None and self.files.is_running(visit_id, plan):
                raise InvalidStateError("This live visit is still recording on another app server.")
            return self._finish(visit_id, by=by, outcome=outcome)

    def _plan_or_none(self, visit_id: str) -> VisitPlan | None:
        try:
            return self.files.plan(visit_id)
        except EncounterNotFoundError:
            return None

    def _finish(self, visit_id: str, *, by: Viewer, outcome: LiveOutcome | None) -> Encounter:
        try:
            existing = self.store.get(visit_id)
        except EncounterNotFoundError:
            existing = None
        if existing is not None:  # finished before, then interrupted while cleaning up
            by.check(existing)
            self._remove_files(visit_id)
            return existing
        plan = self._check(self._plan(visit_id), by)
        wav = self.store.staging_file(".wav")
        try:
            self.store.live_journal_to_wav(visit_id, wav)
            try:
                info = audio_probe.probe(wav)  # a silent or empty visit is refused here, with the reason
            except AudioRejected as exc:
                raise AudioRejected(exc.code, rejection_message(exc, AudioSource.MICROPHONE)) from exc
            started = datetime.fromisoformat(plan.started)
            encounter = Encounter(
                id=visit_id, created=started, source_name=f"Live visit {started:%Y-%m-%d %H:%M} UTC.wav",
                engine=plan.engine, keyterms=plan.keyterms, context=plan.context, template=plan.template,
                owner=plan.owner, step="waiting", duration_s=info.duration_s, consent=plan.recording_consent)
            with open(wav, "rb") as f:
                self.store.add(encounter, f, ".wav")
        finally:
            wav.unlink(missing_ok=True)
        for i, session_id in enumerate(outcome.session_ids if outcome else ()):
            self.store.add_remote_request(visit_id, f"checkpoint:streaming_session:{i}", session_id or f"unnamed-{i}")
        kept = self._keep_streamed(encounter, outcome)
        self.store.audit("live_visit_finished", visit_id, actor=by.name,
                         remote_result=f"final_transcript={'streamed' if kept else 'batch'}; "
                                       f"consent={'recorded' if plan.consent else 'not asked'}")
        self._remove_files(visit_id)
        return self.store.get(visit_id)

    def interrupted(self, *, by: Viewer) -> list[InterruptedVisit]:
        """Visits whose audio is on disk but that are not running here and were never finished."""
        return self.files.interrupted(by=by)

    def discard(self, visit_id: str, *, by: Viewer, reason: str = "user") -> None:
        """Delete an unfinished visit's audio and plan (a finished one is purged as an encounter)."""
        self._check(self._plan(visit_id), by)
        with self._lock:
            session = self._active.pop(visit_id, None)
        if session is not None:
            session.stop()
            self.files.mark_running(visit_id, False)
        self.files.discard(visit_id, by=by, reason=reason)

    def discard_expired(self, retention_hours: float, *, now: datetime | None = None) -> list[str]:
        """Retention for visits never finished: discard those started more than `retention_hours` ago."""
        return discard_expired_visits(self.store, retention_hours, now=now)

    # -- helpers ------------------------------------------------------------------------------------
    def _keep_streamed(self, encounter: Encounter, outcome: LiveOutcome | None) -> bool:
        if (final_transcript(self.settings) != "streamed" or outcome is None or outcome.engine != "assemblyai"
                or outcome.streaming_error is not None or not outcome.transcript.words()):
            return False  # the batch path runs (any live failure, or offline, or the default)
        transcript = outcome.transcript.to_transcript(engine="assemblyai", model=outcome.model,
                                                      duration_s=encounter.duration_s)
        if self.settings.redact_pii:
            from ..engines.offline.redact import redact_utterances

            transcript.utterances, _ = redact_utterances(transcript.utterances)
            transcript.redacted = True
        self.store.save_transcript(encounter.id, transcript)
        self.store.update(encounter.id, state=EncounterState.TRANSCRIBED, step="transcribed")
        return True

    def _default_streamer(self, plan: VisitPlan) -> LiveStreamer:
        if plan.engine == "assemblyai":
            from .assemblyai_stream import AssemblyAIStreamer

            return AssemblyAIStreamer(url=streaming_url(self.settings), api_key=self.settings.assemblyai_api_key,
                                      speech_model=self.settings.streaming_model,
                                      medical_mode=self.settings.medical_mode, keyterms=plan.keyterms)
        from ..engines.offline import asr
        from .offline_stream import OfflineStreamer

        model_dir, name = live_whisper_model_dir(self.settings)
        return OfflineStreamer(model_loader=lambda: asr.load_model(model_dir), keyterms=plan.keyterms,
                               model_name=name)

    def _check(self, plan: VisitPlan, by: Viewer) -> VisitPlan:
        return self.files.checked_plan(plan.id, by)

    def _plan(self, visit_id: str) -> VisitPlan:
        return self.files.plan(visit_id)

    def _remove_files(self, visit_id: str) -> None:
        self.files.remove(visit_id)
