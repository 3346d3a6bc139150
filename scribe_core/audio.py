"""Is an uploaded file a usable recording? Judged by its content (magic bytes, then PyAV / FFmpeg), never by its name.

`validate` runs these checks in order, cheapest first, and raises `AudioRejected` (an `InvalidAudioError`)
whose message tells a clinic user what to do and whose `code` names the check for programs and tests:

    code            check
    empty           the file is missing or has 0 bytes
    too_large       more bytes than `max_bytes` (AssemblyAI accepts uploads up to 2.2 GB)
    executable      ELF, PE ("MZ"), Mach-O or a "#!" script: refused on its magic bytes, never given to FFmpeg
    not_audio       a document, image, archive or text, by its magic bytes / content; or no allowed demuxer opens it
    no_audio_track  a container (e.g. an MP4 video) without an audio stream
    corrupt         an audio header but no decodable audio frames, or far less audio than the header claims
    too_short       less than `min_duration_s` of audio
    too_long        more than `max_duration_s`
    silent          every sampled stretch peaks below `silence_dbfs` (a muted or unplugged microphone)

Bounded work: only allowed demuxers (`ALLOWED_DEMUXERS`) and the `file` protocol (so no playlist or concat
file can make FFmpeg read other files or URLs), `probesize` / `analyzeduration` caps, an FFmpeg interrupt
timeout, a cap on decoded seconds and packets, and a wall-clock budget for the whole check. Messages never
quote file contents or FFmpeg's own text (which can echo paths and bytes of the file).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from .audio_decode import dbfs, decode_window, demuxed_end_s, reported_duration_s
from .audio_magic import EXPORT_HINT, AudioRejected, audio_signature, check_magic
from .errors import InvalidAudioError  # noqa: F401 (re-exported: AudioRejected subclasses it)

ACCEPTED_SUFFIXES = (".wav", ".mp3", ".m4a", ".mp4", ".webm", ".ogg", ".flac")

# Default limits for uploads (keyword arguments of `validate`).
MIN_DURATION_S = 1.0
MAX_DURATION_S = 4 * 3600.0
MAX_BYTES = 2 * 1024**3  # 2 GiB, under AssemblyAI's 2.2 GB upload limit
SILENCE_DBFS = -60.0  # a peak below this in every sampled stretch means no signal
TIME_BUDGET_S = 20.0  # wall-clock budget for one validation

# Decoding bounds.
PROOF_S = 3.0  # decode at least this much (or to the end of a shorter file) to prove the audio decodes
HEAD_WINDOW_S = 30.0  # while nothing but silence was heard, keep decoding the start up to here
SAMPLE_POINTS = (0.25, 0.5, 0.75, 1.0)  # then sample windows ending by these fractions of the recording ...
SAMPLE_WINDOW_S = 3.0  # ... this long each
PROBE_SIZE = 5_000_000  # bytes FFmpeg may read to identify streams
ANALYZE_DURATION_US = 10_000_000
MAGIC_READ = 4096

ALLOWED_DEMUXERS = ("wav", "w64", "mp3", "flac", "ogg", "matroska", "webm", "mov", "mp4", "aac", "aiff", "caf")

@dataclass(frozen=True)
class AudioInfo:
    duration_s: float
    codec: str
    sample_rate: int
    channels: int
    container: str = ""
    peak_dbfs: float | None = None  # the loudest sampled peak, dBFS


def probe(path: Path) -> AudioInfo:
    """The check `Scribe.submit` runs on every stored upload: `validate` with the default limits."""
    return validate(path)


def validate(
    path: Path | str,
    *,
    max_bytes: int = MAX_BYTES,
    max_duration_s: float = MAX_DURATION_S,
    min_duration_s: float = MIN_DURATION_S,
    silence_dbfs: float | None = SILENCE_DBFS,
    time_budget_s: float = TIME_BUDGET_S,
) -> AudioInfo:
    """Prove `path` is a usable recording within the limits, or raise `AudioRejected` saying why.

    `silence_dbfs=None` turns the silence check off. Never raises anything but `InvalidAudioError`.
    """
    path = Path(path)
    try:
        size = path.stat().st_size if path.is_file() else 0
    except OSError:
        size = 0
    if size == 0:
        raise AudioRejected("empty", "The file is empty. Choose the recording again.")
    if size > max_bytes:
        raise AudioRejected(
            "too_large",
            f"The file is too large ({_human_bytes(size)}; the limit is {_human_bytes(max_bytes)}). "
            "Split the recording, or export it as MP3 or another compressed format.",
        )
    try:
        with open(path, "rb") as f:
            head = f.read(MAGIC_READ)
    except OSError as exc:
        raise AudioRejected("not_audio", "The file could not be read. Choose the recording again.") from exc
    check_magic(head)
    try:
        return _inspect(path, max_duration_s, min_duration_s, silence_dbfs, time_budget_s)
    except InvalidAudioError:
        raise
    except Exception as exc:  # FFmpeg raises many types (InvalidDataError, ValueError, OSError, MemoryError ...)
        raise AudioRejected(
            "corrupt", f"The file could not be read as audio (it is damaged or not a recording). {EXPORT_HINT}"
        ) from exc


# -- the recording itself (FFmpeg through PyAV, bounded) ------------------------------------------------

def _inspect(
    path: Path, max_duration_s: float, min_duration_s: float, silence_dbfs: float | None,
    time_budget_s: float,
) -> AudioInfo:
    import av  # imported here: PyAV is heavy and only needed when a file arrives

    deadline = time.monotonic() + time_budget_s
    options = {
        "protocol_whitelist": "file",
        "format_whitelist": ",".join(ALLOWED_DEMUXERS),
        "probesize": str(PROBE_SIZE),
        "analyzeduration": str(ANALYZE_DURATION_US),
    }
    read_timeout = max(1.0, min(time_budget_s, 10.0))
    try:
        container = av.open(
            os.path.abspath(path), container_options=options, metadata_errors="ignore",
            timeout=(read_timeout, read_timeout),
        )
    except Exception as exc:
        kind = audio_signature(path)
        if kind:  # an audio header FFmpeg cannot open: a cut-off or damaged recording
            raise AudioRejected(
                "corrupt", f"The file starts like {kind} audio but is damaged or incomplete. {EXPORT_HINT}"
            ) from exc
        raise AudioRejected(
            "not_audio", f"The file is not a recording in a supported format. {EXPORT_HINT}"
        ) from exc
    with container:
        audio_streams = [s for s in container.streams if s.type == "audio"]
        if not audio_streams:
            what = " (it contains only video)" if any(s.type == "video" for s in container.streams) else ""
            raise AudioRejected(
                "no_audio_track", f"The file has no audio track{what}. Upload a sound recording."
            )
        stream = audio_streams[0]
        ctx = stream.codec_context
        sample_rate = int(getattr(ctx, "sample_rate", 0) or 0)  # audio codec contexts only; PyAV's stubs lack it
        channels = int(getattr(getattr(ctx, "layout", None), "nb_channels", 0) or getattr(ctx, "channels", 0) or 0)
        if sample_rate <= 0 or ctx.name is None:
            raise AudioRejected("corrupt", f"The audio track is damaged (no sample rate or codec). {EXPORT_HINT}")
        reported = reported_duration_s(container, stream)
        container_name = (container.format.name or "").split(",")[0]

        # 1. Decode the start: proves the audio decodes, and measures short files exactly.
        head = decode_window(container, stream, PROOF_S, HEAD_WINDOW_S, silence_dbfs, deadline)
        if head.frames == 0:
            raise AudioRejected(
                "corrupt",
                f"The recording is damaged or incomplete: no audio could be decoded from it. {EXPORT_HINT}",
            )
        if head.reached_end:
            duration_s = head.decoded_s
            if reported is not None and reported > max(2 * duration_s, duration_s + 2.0):
                raise AudioRejected(
                    "corrupt",
                    f"The recording is damaged or incomplete: only {duration_s:.1f} s of the "
                    f"{_human_duration(reported)} it should hold could be decoded. {EXPORT_HINT}",
                )
        else:
            duration_s = reported if reported is not None else demuxed_end_s(container, stream, max_duration_s,
                                                                             deadline)
            duration_s = max(duration_s, head.decoded_s)
            if reported is None and duration_s > max_duration_s:  # the packet scan stopped at the limit
                raise AudioRejected(
                    "too_long",
                    f"The recording is too long (over {_human_duration(max_duration_s)}, the limit). "
                    "Split it into shorter parts.",
                )

        if duration_s < min_duration_s:
            raise AudioRejected(
                "too_short",
                f"The recording is too short ({duration_s:.1f} s); at least {min_duration_s:g} s is needed.",
            )
        if duration_s > max_duration_s:
            raise AudioRejected(
                "too_long",
                f"The recording is too long ({_human_duration(duration_s)}; the limit is "
                f"{_human_duration(max_duration_s)}). Split it into shorter parts.",
            )

        # 2. Silent so far: sample stretches across the rest before calling it silent.
        peak = head.peak
        if silence_dbfs is not None and dbfs(peak) < silence_dbfs and not head.reached_end:
            for fraction in SAMPLE_POINTS:
                start = max(0.0, min(fraction * duration_s, duration_s - SAMPLE_WINDOW_S))
                if start <= head.decoded_s or time.monotonic() > deadline:
                    continue
                window = decode_window(container, stream, SAMPLE_WINDOW_S, SAMPLE_WINDOW_S, silence_dbfs,
                                        deadline, seek_s=start)
                peak = max(peak, window.peak)
                if dbfs(peak) >= silence_dbfs:
                    break
        if silence_dbfs is not None and dbfs(peak) < silence_dbfs:
            level = "no sound at all" if peak == 0 else f"peak level {dbfs(peak):.0f} dBFS"
            raise AudioRejected(
                "silent",
                f"The recording is silent ({level}): check that the microphone is connected, unmuted and "
                "selected, then record again.",
            )
    return AudioInfo(
        duration_s=round(float(duration_s), 3), codec=ctx.name or "unknown", sample_rate=sample_rate,
        channels=channels, container=container_name,
        peak_dbfs=round(dbfs(peak), 1) if peak > 0 else None,
    )


# -- wording --------------------------------------------------------------------------------------------------


def _human_bytes(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def _human_duration(seconds: float) -> str:
    seconds = max(0.0, float(seconds))
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s"
