"""The pure decisions of the use cases, on plain data: no store, no engine, no clock of their own.

    next_retry_delay_s   when a transient failure is tried again, or None once the schedule is spent
    resume_state         where a failed encounter restarts (never re-uploading a stored job)
    swapped_roles        Doctor and Patient exchanged throughout a transcript
    with_role            one utterance given another role
    measured_rtf         this machine's real-time factor, from finished jobs
    offline_done         the share of an offline job done, across its steps
    time_left_s          how long an offline job still needs: from that factor and the recording's length
                         until the job has shown its own pace, then from its own pace
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence

from ..model import DOCTOR, PATIENT, EncounterState, Transcript

DEFAULT_RETRY_DELAYS_S = (15.0, 30.0, 60.0, 120.0, 240.0)

# The offline engine's real-time factor (processing seconds per audio second) measured by
# `python -m scribe_core.eval` on the 2-core reference machine (docs/offline-engine.md): asr 0.085 + diarization
# 0.016 + redaction 0.001. Used until this machine has finished offline jobs of its own.
OFFLINE_RTF = 0.10
# Each step's share of that time, in the order the offline engine runs them.
OFFLINE_STEP_SHARES = (("transcribing", 0.085 / 0.102), ("diarizing", 0.016 / 0.102), ("redacting", 0.001 / 0.102))


def next_retry_delay_s(attempts: int, delays_s: Sequence[float], *,
                       retry_after_s: float | None = None) -> float | None:
    """The wait before the next try after `attempts` earlier retries; None means give up.

    A service that answered 429 with Retry-After is not asked again sooner than it said: the
    schedule's delay is stretched to `retry_after_s`, never shortened.
    """
    if not 0 <= attempts < len(delays_s):
        return None
    return max(float(delays_s[attempts]), retry_after_s or 0.0)


def give_up_reason(error: str, attempts: int, delays_s: Sequence[float]) -> str:
    waited_min = sum(delays_s) / 60
    return (f"{error} Gave up after {attempts + 1} tries over {waited_min:.0f} min; "
            "use Retry when the service is back.")


def resume_state(*, has_transcript: bool, remote_transcript_id: str | None) -> EncounterState:
    """A retried encounter continues from its last stored result."""
    if has_transcript:
        return EncounterState.TRANSCRIBED
    if remote_transcript_id:
        return EncounterState.TRANSCRIBING  # poll the stored job again: no second upload
    return EncounterState.UPLOADED


def swapped_roles(transcript: Transcript) -> Transcript:
    """A copy with Doctor and Patient exchanged on every utterance and word; the roles count as confirmed."""
    swap = {DOCTOR: PATIENT, PATIENT: DOCTOR}
    copy = Transcript.from_dict(transcript.to_dict())
    for u in copy.utterances:
        u.role = swap.get(u.role, u.role)
        for w in u.words:
            if w.speaker:
                w.speaker = swap.get(w.speaker, w.speaker)
    copy.roles_confirmed = True
    return copy


def with_role(transcript: Transcript, utterance_id: str, role: str) -> Transcript | None:
    """A copy with one utterance (and its words) given `role`; None when there is no such utterance."""
    copy = Transcript.from_dict(transcript.to_dict())
    utterance = copy.by_id(utterance_id)
    if utterance is None:
        return None
    utterance.role = role
    for w in utterance.words:
        w.speaker = role
    return copy


def measured_rtf(jobs: Iterable[tuple[float, float]], *, default: float = OFFLINE_RTF) -> float:
    """The median of processing seconds / audio seconds over finished jobs, or `default` without any.

    The median ignores the first job after a start, which also loads the models.
    """
    ratios = [spent_s / audio_s for spent_s, audio_s in jobs if audio_s > 0 and spent_s > 0]
    return statistics.median(ratios) if ratios else default


def offline_done(step: str | None, fraction: float | None) -> float:
    """The share of an offline job done (0..1): the finished steps' shares plus the running step's part.

    Before the engine starts (waiting, queued, starting) nothing is done.
    """
    done = 0.0
    for name, share in OFFLINE_STEP_SHARES:
        if step == name:
            return done + share * min(1.0, max(0.0, fraction or 0.0))
        done += share
    return 0.0


# Below this share done, the job's own pace says little (the first seconds also load the models).
_OWN_PACE_FROM = 0.1


def time_left_s(duration_s: float | None, rtf: float, step: str | None, fraction: float | None,
                elapsed_s: float | None = None) -> float | None:
    """Seconds an offline job still needs; None when the recording's length is unknown.

    At first: the recording's length × this machine's real-time factor, less what is done. Once a tenth
    is done and the job's running time is known, its own pace (elapsed / done) decides, so an estimate
    that was too short (a slower machine, a busy one) corrects itself as the steps finish.
    """
    if not duration_s or duration_s <= 0:
        return None
    total_s = duration_s * rtf
    done = offline_done(step, fraction)
    if elapsed_s is not None and elapsed_s > 0 and done >= _OWN_PACE_FROM:
        return max(0.0, elapsed_s * (1.0 - done) / done)
    return max(0.0, total_s * (1.0 - done))
