"""What a recording is, judged by its content (PyAV / FFmpeg), never by its file name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import InvalidAudioError

ACCEPTED_SUFFIXES = (".wav", ".mp3", ".m4a", ".mp4", ".webm", ".ogg", ".flac")
MIN_DURATION_S = 1.0


@dataclass(frozen=True)
class AudioInfo:
    duration_s: float
    codec: str
    sample_rate: int
    channels: int


def probe(path: Path) -> AudioInfo:
    """Open the file with FFmpeg's demuxers and read its first audio stream's facts.

    Raises InvalidAudioError with a reason a clinic user understands (empty, not audio, corrupt,
    too short); never passes FFmpeg's raw text through, which can echo file contents.
    """
    import av  # imported here: PyAV is heavy and only needed when a file arrives

    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        raise InvalidAudioError("The file is empty. Choose the recording again.")
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            streams = [s for s in container.streams if s.type == "audio"]
            if not streams:
                raise InvalidAudioError("The file has no audio track. Upload a sound recording.")
            stream = streams[0]
            duration_s = _duration_s(container, stream)
            info = AudioInfo(
                duration_s=duration_s,
                codec=stream.codec_context.name or "unknown",
                sample_rate=int(stream.codec_context.sample_rate or 0),
                channels=int(getattr(stream.codec_context, "channels", 0) or 0),
            )
    except InvalidAudioError:
        raise
    except Exception as exc:  # FFmpeg raises many types (InvalidDataError, ValueError, OSError ...)
        raise InvalidAudioError(
            "The file could not be read as audio (it is corrupt or not a recording). "
            "Export it again as WAV, MP3, M4A, WebM, OGG or FLAC."
        ) from exc
    if info.duration_s < MIN_DURATION_S:
        raise InvalidAudioError(
            f"The recording is too short ({info.duration_s:.1f} s); at least {MIN_DURATION_S:.0f} s is needed."
        )
    return info


def _duration_s(container, stream) -> float:  # type: ignore[no-untyped-def]
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000  # av.time_base is microseconds
    # Some WebM recordings from browsers carry no duration: decode packets to find the end.
    end = 0.0
    for packet in container.demux(stream):
        if packet.pts is not None and packet.time_base is not None:
            end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    return end
