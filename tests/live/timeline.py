"""A fake-streaming timeline that matches a real recording: faster-whisper's word times for the audio,
roles and turns from the recording's transcript. Made once per audio file and cached beside it."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from tests.fakes.assemblyai_schema import default_dialogue_path
from tests.fakes.assemblyai_streaming_timeline import timeline_from_audio


def derive_timeline(wav: Path, model_data_dir: Path) -> Path:
    """Writes `<wav>.timeline.json` (for `--timeline`) and returns its path."""
    target = wav.with_suffix(".timeline.json")
    if target.exists():
        return target
    from scribe_core.engines.offline import asr, models

    model = asr.load_model(models.whisper_model_dir(model_data_dir))
    words, _ = asr.transcribe(model, asr.decode_audio(wav), asr.AsrSettings(beam_size=1))
    timeline = timeline_from_audio([(w.text, w.start_ms, w.end_ms) for w in words], default_dialogue_path())
    target.write_text(json.dumps([asdict(w) for w in timeline]))
    return target
