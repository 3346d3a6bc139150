"""Reading a recording without trusting it: bounded decoding of a stretch, its peak level, and its
duration from the headers or the packets. What `audio.validate` builds its judgement on.

Every loop is capped (packets, damaged packets, a wall-clock deadline), and a damaged file stops a
read rather than raising: what decoded so far still counts.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

MAX_PACKETS = 50_000  # per decode window, whatever the packets claim to hold
MAX_DECODE_ERRORS = 50  # damaged packets tolerated while at least some frames decode


@dataclass
class DecodedWindow:
    frames: int = 0
    peak: float = 0.0  # linear, full scale = 1.0
    decoded_s: float = 0.0  # seconds of audio decoded
    reached_end: bool = False  # decoded from the start to the end of the stream


def decode_window(
    container, stream, proof_s: float, max_s: float, silence_dbfs: float | None, deadline: float,  # type: ignore[no-untyped-def]
    *, seek_s: float | None = None,
) -> DecodedWindow:
    """Decode from the start (or `seek_s`) until `proof_s` decoded with signal heard, or `max_s`, or the end."""
    result = DecodedWindow()
    threshold = 0.0 if silence_dbfs is None else 10 ** (silence_dbfs / 20)
    errors = 0
    if seek_s is not None:
        try:
            container.seek(int(seek_s / stream.time_base), stream=stream, backward=True, any_frame=False)
        except Exception:
            return result  # no seeking in this file: judge by the start alone
    demuxer = container.demux(stream)
    for _ in range(MAX_PACKETS):
        if time.monotonic() > deadline:
            break
        try:
            packet = next(demuxer)
        except StopIteration:
            result.reached_end = seek_s is None
            break
        except Exception:  # a demuxing error mid-file: stop, what decoded so far still counts
            break
        try:
            frames = packet.decode()  # the final (empty) packet flushes the decoder
        except Exception:
            errors += 1
            if errors > MAX_DECODE_ERRORS:
                break
            continue
        for frame in frames:
            n = int(frame.samples or 0)
            rate = int(frame.sample_rate or stream.codec_context.sample_rate or 0)
            if n <= 0 or rate <= 0:
                continue
            result.frames += 1
            result.decoded_s += n / rate
            result.peak = max(result.peak, frame_peak(frame))
        if result.decoded_s >= max_s or (result.decoded_s >= proof_s and result.peak >= threshold):
            break
    return result


def frame_peak(frame) -> float:  # type: ignore[no-untyped-def]
    """The frame's peak after removing its DC offset, as a fraction of full scale (0..1)."""
    try:
        data = frame.to_ndarray()
    except Exception:
        return 0.0
    if data.size == 0:
        return 0.0
    with np.errstate(all="ignore"):  # damaged float frames can hold NaN, inf or 1e308
        if data.dtype.kind == "f":
            samples = np.clip(np.nan_to_num(data.astype(np.float64), nan=0.0, posinf=1.0, neginf=-1.0), -1.0, 1.0)
        elif data.dtype.kind == "u":
            half = float(1 << (8 * data.dtype.itemsize - 1))
            samples = (data.astype(np.float64) - half) / half
        else:
            samples = data.astype(np.float64) / float(1 << (8 * data.dtype.itemsize - 1))
        samples = samples - samples.mean(axis=-1, keepdims=True)
        peak = float(np.abs(samples).max())
    return min(1.0, peak) if math.isfinite(peak) else 0.0


def reported_duration_s(container, stream) -> float | None:  # type: ignore[no-untyped-def]
    """The duration the headers claim, if it is a sane number."""
    candidates = []
    try:
        if stream.duration is not None and stream.time_base is not None:
            candidates.append(float(stream.duration * stream.time_base))
    except Exception:
        pass
    if container.duration is not None:
        candidates.append(container.duration / 1_000_000)  # av.time_base is microseconds
    for value in candidates:
        if math.isfinite(value) and value > 0:
            return value
    return None


def demuxed_end_s(container, stream, max_duration_s: float, deadline: float) -> float:  # type: ignore[no-untyped-def]
    """No duration in the headers (e.g. WebM from browsers): read packet times to the end, without decoding."""
    end = 0.0
    try:
        for packet in container.demux(stream):
            if packet.pts is not None and packet.time_base is not None:
                end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
            if end > max_duration_s or time.monotonic() > deadline:
                break
    except Exception:
        pass
    return end if math.isfinite(end) else 0.0


def dbfs(peak: float) -> float:
    return 20 * math.log10(peak) if peak > 0 else -math.inf
