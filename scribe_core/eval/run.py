"""`python -m scribe_core.eval`: measure the offline pipeline against bare faster-whisper.

On the two real Fareez OSCE recordings: WER (Whisper normaliser, fillers dropped), word-level
Doctor/Patient attribution against the human "D:"/"P:" turns, real-time factor per stage, and the
process's peak RSS. On a synthetic two-voice ACI-Bench dialogue (espeak-ng, exact turn times):
diarization word accuracy and frame error. The baseline is faster-whisper as a user would run it
with the same weights: its defaults plus vad_filter=True, beam 1, no diarization.
Prints one table. Nothing here fits to the reference text at run time, but the pipeline's decoding
settings (scribe_core/engines/offline/asr.py) were chosen by comparing WERs on these same two recordings:
their WERs are tuning-set figures, labelled so, and say less about new recordings than a held-out set would.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Settings
from ..documents.templates import builtin_template
from ..engines.base import TranscriptionRequest
from ..engines.offline import asr
from ..engines.offline.pipeline import OfflinePipeline, StageTimes
from ..notes.extractive import ExtractiveNoteWriter
from . import metrics, synth

SOAP = builtin_template('soap')

# The evaluation data sits beside the checkout (../shared/data), or wherever SCRIBE_SHARED_DATA says.
SHARED_DATA = Path(os.environ.get("SCRIBE_SHARED_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data")
FAREEZ = Path(os.environ.get("SCRIBE_FAREEZ_DIR") or SHARED_DATA / "fareez-osce")
RECORDINGS = ("CAR0001", "RES0091")
# The recordings the offline engine's decoding settings were chosen on (AsrSettings): not held out.
TUNING_RECORDINGS = frozenset({"CAR0001", "RES0091"})


@dataclass
class Row:
    name: str
    wer: dict[str, float] = field(default_factory=dict)
    role_acc: dict[str, float] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # stage -> processing seconds
    audio_s: float = 0.0
    synth: dict[str, float] = field(default_factory=dict)


def peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reference_prefix(ref_turns, hyp_text: str):
    """In --quick mode the audio is cut: keep the reference prefix the hypothesis matches best.

    One Levenshtein pass of the hypothesis against the reference gives the edit distance to every
    reference prefix at once (the last DP row); the prefix with the smallest distance is kept.
    """
    import numpy as np

    ref_tokens = [(t.role, w) for t in ref_turns for w in metrics.normalise(t.text)]
    hyp = metrics.normalise(hyp_text)
    ref = np.array([w for _, w in ref_tokens] or [""], dtype=object)
    row = np.arange(len(ref) + 1)
    for token in hyp:
        sub = row[:-1] + (ref != token)
        new = np.concatenate([[row[0] + 1], np.minimum(sub, row[1:] + 1)])
        offsets = np.arange(len(new))
        row = np.minimum.accumulate(new - offsets) + offsets  # insertions along the row
    cut = int(np.argmin(row))
    return [metrics.RefTurn(role, w) for role, w in ref_tokens[:cut]]


def run_pipeline(pipeline: OfflinePipeline, audio, ref_turns, row: Row, name: str, quick: bool) -> None:
    times = StageTimes()
    # The product's request: the number of speakers is detected, not given.
    transcript = pipeline.process(audio, TranscriptionRequest(), times=times)
    t = time.perf_counter()
    ExtractiveNoteWriter().draft(transcript, SOAP)
    draft_s = time.perf_counter() - t
    hyp_turns = [(u.role, u.text) for u in transcript.utterances]
    hyp_text = " ".join(text for _, text in hyp_turns)
    if quick:
        ref_turns = _reference_prefix(ref_turns, hyp_text)
    ref_pairs = [(t.role, t.text) for t in ref_turns]
    row.wer[name] = metrics.word_error_rate(" ".join(t for _, t in ref_pairs), hyp_text)
    row.role_acc[name], _ = metrics.role_accuracy(ref_pairs, hyp_turns)
    for stage, secs in (("asr", times.asr_s), ("diarization", times.diarization_s),
                        ("redaction", times.redaction_s), ("draft", draft_s), ("load", times.load_s)):
        row.seconds[stage] = row.seconds.get(stage, 0.0) + secs


def run_bare(model, audio, ref_turns, row: Row, name: str, quick: bool) -> None:
    t = time.perf_counter()
    segments, _ = model.transcribe(audio, language="en", beam_size=1, vad_filter=True)
    hyp_text = " ".join(s.text for s in segments)
    row.seconds["asr"] = row.seconds.get("asr", 0.0) + time.perf_counter() - t
    if quick:
        ref_turns = _reference_prefix(ref_turns, hyp_text)
    row.wer[name] = metrics.word_error_rate(" ".join(t.text for t in ref_turns), hyp_text)


def run_synth(pipeline: OfflinePipeline, row: Row, workdir: Path, quick: bool) -> None:
    turns = synth.aci_turns(max_turns=8 if quick else 24)
    wav = workdir / "synth_aci.wav"
    synth.render(turns, wav)
    audio = asr.decode_audio(wav)
    transcript = pipeline.process(audio, TranscriptionRequest(redact_pii=False))
    row.synth = synth.diarization_scores(turns, transcript.utterances)
    row.synth["audio_s"] = len(audio) / 16000


def print_table(rows: list[Row], files: list[str], rss_mb: float) -> None:
    def pct(v):
        return "-" if v is None else f"{100 * v:.1f} %"

    header = ["", *[f"WER {f}" + (" (tuning)" if f in TUNING_RECORDINGS else "") for f in files],
              "WER mean (tuning)" if set(files) <= TUNING_RECORDINGS else "WER mean", *[f"role acc {f}" for f in files],
              "RTF asr", "RTF diar", "RTF redact", "RTF draft", "RTF total", "synth diar word acc",
              "synth frame err"]
    lines = [header]
    for row in rows:
        audio_s = max(row.audio_s, 1e-9)
        rtf = {k: v / audio_s for k, v in row.seconds.items()}
        total = sum(v for k, v in rtf.items() if k != "load")
        mean = sum(row.wer.values()) / len(row.wer) if row.wer else None
        lines.append([
            row.name, *[pct(row.wer.get(f)) for f in files], pct(mean),
            *[pct(row.role_acc.get(f)) for f in files],
            *[f"{rtf[k]:.3f}" if k in rtf else "-" for k in ("asr", "diarization", "redaction", "draft")],
            f"{total:.3f}", pct(row.synth.get("word_role_acc")), pct(row.synth.get("frame_error")),
        ])
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    for i, line in enumerate(lines):
        print(" | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)))
        if i == 0:
            print("-+-".join("-" * w for w in widths))
    tuned = [f for f in files if f in TUNING_RECORDINGS]
    if tuned:
        print(f"\nWER on {', '.join(tuned)} is a tuning-set figure: the decoding settings were chosen on "
              "these recordings, so it is optimistic for recordings the settings never saw.")
    print(f"\npeak RSS of this process (VmHWM, pipeline + baseline share one model): {rss_mb:.0f} MB")
    print("RTF = processing seconds / audio seconds on this machine; 'total' excludes one-time model "
          "loading. Baseline: faster-whisper defaults + vad_filter=True, beam_size=1, no diarization.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scribe_core.eval", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one recording, first --seconds only")
    parser.add_argument("--seconds", type=float, default=120.0, help="audio kept per file with --quick")
    parser.add_argument("--no-synth", action="store_true", help="skip the espeak-ng diarization check")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    settings = Settings.from_env(dotenv=False)
    files = list(RECORDINGS[:1] if args.quick else RECORDINGS)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = settings.data_dir if os.environ.get("SCRIBE_DATA_DIR") else Path(tmp)
        pipeline = OfflinePipeline(data_dir=data_dir, model_dir_override=settings.whisper_model_dir)
        ours, bare = Row("offline pipeline"), Row("bare faster-whisper")
        def load(name: str):  # type: ignore[no-untyped-def]
            """Decoded afresh for each pass, so the baseline's memory and time are its own."""
            audio = asr.decode_audio(FAREEZ / "audio" / f"{name}.mp3")
            if args.quick:
                audio = audio[: int(args.seconds * 16000)]
            return audio, metrics.read_fareez_transcript(FAREEZ / "transcripts" / f"{name}.txt")

        for name in files:
            audio, ref = load(name)
            print(f"[eval] {name}: {len(audio) / 16000:.1f} s", file=sys.stderr, flush=True)
            run_pipeline(pipeline, audio, ref, ours, name, args.quick)
            ours.audio_s += len(audio) / 16000
        rss = peak_rss_mb()
        if not args.no_synth:
            print("[eval] synthetic two-voice dialogue", file=sys.stderr, flush=True)
            run_synth(pipeline, ours, Path(tmp), args.quick)
        model = asr.load_model(pipeline.model_dir())
        for name in files:
            audio, ref = load(name)
            print(f"[eval] bare faster-whisper {name}", file=sys.stderr, flush=True)
            run_bare(model, audio, ref, bare, name, args.quick)
            bare.audio_s += len(audio) / 16000
    print_table([ours, bare], files, rss)
    return 0
