"""Real audio files for tests, encoded with PyAV from a synthetic signal (tone + noise), in every upload format."""


from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np

# (container, codec, sample rate, sample format of the encoder's frames)
CODECS = {
    ".wav": ("wav", "pcm_s16le", 16_000, "s16"),
    ".mp3": ("mp3", "libmp3lame", 16_000, "s16p"),
    ".flac": ("flac", "flac", 16_000, "s16"),
    ".ogg": ("ogg", "libopus", 48_000, "s16"),
    ".webm": ("webm", "libopus", 48_000, "s16"),
    ".m4a": ("ipod", "aac", 16_000, "fltp"),
}


def signal(seconds: float, rate: int, *, amplitude: float = 0.2, seed: int = 0) -> np.ndarray:
    """A 220 Hz tone with a little noise, like a voice over room noise; float64 in [-1, 1]."""
    t = np.arange(int(seconds * rate)) / rate
    noise = np.random.default_rng(seed).standard_normal(t.size)
    return amplitude * np.sin(2 * np.pi * 220 * t) + amplitude * 0.05 * noise


def write_audio(path: Path, samples: np.ndarray, suffix: str | None = None) -> Path:
    """Encode mono float samples (at the codec's rate, see CODECS) into `path`, by the suffix's format."""
    fmt, codec, rate, sample_fmt = CODECS[suffix or path.suffix]
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=rate, layout="mono")
        if sample_fmt == "fltp":
            data = samples.astype(np.float32).reshape(1, -1)
        else:
            data = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
        chunk = 4096
        for start in range(0, data.shape[1], chunk):
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data[:, start:start + chunk]),
                                               format="fltp" if sample_fmt == "fltp" else
                                               ("s16p" if sample_fmt == "s16p" else "s16"), layout="mono")
            frame.rate = rate
            frame.pts = start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def tone_file(path: Path, seconds: float = 3.0, **kwargs) -> Path:
    rate = CODECS[path.suffix][2]
    return write_audio(path, signal(seconds, rate, **kwargs))


def video_without_audio(path: Path, seconds: float = 2.0) -> Path:
    """A small MP4 holding one video track and no audio."""
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(int(seconds * 10)):
            img = np.full((48, 64, 3), (i * 12) % 255, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


class _Pipe(io.RawIOBase):
    """A write-only, non-seekable sink: the muxer cannot go back to write the duration."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, b) -> int:  # type: ignore[no-untyped-def]
        self.data += bytes(b)
        return len(b)


def streamed_webm(path: Path, samples: np.ndarray, rate: int = 48_000) -> Path:
    """WebM/Opus written as a stream, with no duration in its header, like a browser's MediaRecorder makes."""
    sink = _Pipe()
    with av.open(sink, "w", format="webm") as out:
        stream = out.add_stream("libopus", rate=rate, layout="mono")
        data = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
        for start in range(0, data.shape[1], 4800):
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data[:, start:start + 4800]), format="s16",
                                               layout="mono")
            frame.rate, frame.pts = rate, start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    path.write_bytes(bytes(sink.data))
    return path
