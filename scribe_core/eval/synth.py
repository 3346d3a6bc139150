"""Synthetic two-voice consultations with exact turn times, for diarization error.

Real dialogue text (ACI-Bench, CC BY 4.0) is spoken by espeak-ng in two clearly different voices,
turn by turn, and concatenated with fixed gaps, so every turn's start and end are known to the
sample. Synthetic speech says nothing about real-world accuracy; it isolates the diarization
logic (turn boundaries, short answers) from the unknowns of real recordings.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16000
ACI_BENCH = (Path(os.environ.get("SCRIBE_SHARED_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data")
             / "aci-bench" / "data" / "challenge_data_json" / "clinicalnlp_taskB_test1.json")
VOICES = {"Doctor": ("en-us+m3", 35), "Patient": ("en-gb+f4", 75)}
GAP_S = 0.4


@dataclass
class Turn:
    role: str
    text: str
    start_s: float = 0.0
    end_s: float = 0.0


def aci_turns(path: Path = ACI_BENCH, dialogue: int = 0, max_turns: int = 24, max_words: int = 45) -> list[Turn]:
    """The first turns of one ACI-Bench dialogue, '[doctor]' / '[patient]' lines."""
    src = json.loads(Path(path).read_text())["data"][dialogue]["src"]
    turns = []
    for line in src.splitlines():
        match = re.match(r"\[(doctor|patient)\]\s*(.*)", line.strip())
        if not match:
            continue
        text = re.sub(r"\s+([,.?!])", r"\1", match.group(2))  # "hi , andrew ." -> "hi, andrew."
        words = text.split()[:max_words]
        turns.append(Turn("Doctor" if match.group(1) == "doctor" else "Patient", " ".join(words)))
        if len(turns) == max_turns:
            break
    return turns


def _speak(text: str, voice: str, pitch: int, out: Path) -> np.ndarray:
    import soundfile as sf

    raw = out.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-p", str(pitch), "-s", "165", "-w", str(raw), text],
                   check=True, capture_output=True)
    subprocess.run(["sox", str(raw), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(out)],
                   check=True, capture_output=True)
    audio, _ = sf.read(out, dtype="float32")
    return audio


def render(turns: list[Turn], out_wav: Path, noise: float = 0.003, seed: int = 7) -> list[Turn]:
    """Speak the turns into one 16 kHz wav; fills in each turn's exact start/end seconds."""
    import soundfile as sf

    if not (shutil.which("espeak-ng") and shutil.which("sox")):
        raise RuntimeError("espeak-ng and sox are needed for synthetic audio (apt-get install espeak-ng sox)")
    pieces = [np.zeros(int(0.5 * SAMPLE_RATE), np.float32)]
    cursor = 0.5
    with tempfile.TemporaryDirectory() as tmp:
        for i, turn in enumerate(turns):
            voice, pitch = VOICES[turn.role]
            audio = _speak(turn.text, voice, pitch, Path(tmp) / f"t{i}.wav")
            # espeak pads each utterance with silence; trim it so turn times are speech times.
            voiced = np.flatnonzero(np.abs(audio) > 0.01)
            audio = audio[voiced[0]:voiced[-1] + 1] if len(voiced) else audio
            turn.start_s, turn.end_s = round(cursor, 3), round(cursor + len(audio) / SAMPLE_RATE, 3)
            gap = np.zeros(int(GAP_S * SAMPLE_RATE), np.float32)
            pieces += [audio, gap]
            cursor += (len(audio) + len(gap)) / SAMPLE_RATE
    mix = np.concatenate(pieces)
    mix = mix + np.random.default_rng(seed).normal(0, noise, len(mix)).astype(np.float32)
    sf.write(out_wav, np.clip(mix, -1, 1), SAMPLE_RATE, subtype="PCM_16")
    return turns


def role_at(turns: list[Turn], t_s: float) -> str | None:
    for turn in turns:
        if turn.start_s <= t_s <= turn.end_s:
            return turn.role
    # In a gap: the nearest turn (word timestamps spill a little into silences).
    return min(turns, key=lambda tr: min(abs(tr.start_s - t_s), abs(tr.end_s - t_s))).role if turns else None


def diarization_scores(turns: list[Turn], utterances, step_s: float = 0.01) -> dict[str, float]:
    """Word accuracy (word midpoint vs true turn) and a frame error rate over reference speech.

    Roles are compared as the engine assigned them (Doctor/Patient), so role guessing counts too;
    `word_acc_best_map` maps clusters to roles optimally, isolating the clustering itself.
    """
    words = [(w, u.role, u.speaker) for u in utterances for w in u.words]
    truth = [role_at(turns, (w.start_ms + w.end_ms) / 2000) for w, _, _ in words]
    n = max(len(words), 1)
    role_acc = sum(t == r for t, (_, r, _) in zip(truth, words, strict=True)) / n
    labels = sorted({s for _, _, s in words})
    best = 0.0
    for flip in (False, True):
        mapping = {lab: ("Doctor" if (i == 0) != flip else "Patient") for i, lab in enumerate(labels)}
        best = max(best, sum(t == mapping[s] for t, (_, _, s) in zip(truth, words, strict=True)) / n)
    # Frame error: reference speech frames whose hypothesis role (by word spans) differs or is missing.
    end_s = max((t.end_s for t in turns), default=0.0)
    grid = np.arange(0, end_s, step_s)
    hyp = np.full(len(grid), "", dtype=object)
    for w, role, _ in words:
        hyp[(grid >= w.start_ms / 1000) & (grid < w.end_ms / 1000)] = role
    ref_frames = errors = 0
    for turn in turns:
        sel = (grid >= turn.start_s) & (grid < turn.end_s)
        ref_frames += int(sel.sum())
        errors += int((hyp[sel] != turn.role).sum())
    return {"word_role_acc": role_acc, "word_acc_best_map": best,
            "frame_error": errors / max(ref_frames, 1)}
