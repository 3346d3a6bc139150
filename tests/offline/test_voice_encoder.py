"""The torch-free voice encoder: safe weight loading and a sane embedding space."""

from __future__ import annotations

import os
import pickle

import numpy as np
import pytest

from scribe_core.engines.offline.mel import mel_filters, mel_spectrogram
from scribe_core.engines.offline.voice_encoder import VoiceEncoder, _RestrictedUnpickler, load_weights


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_the_weight_reader_refuses_any_other_global(tmp_path):
    import io

    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        _RestrictedUnpickler(io.BytesIO(pickle.dumps(_Evil()))).load()


def test_the_pretrained_weights_load_with_the_expected_shapes():
    from scribe_core.engines.offline.voice_encoder import default_weights_path

    state = load_weights(default_weights_path())
    assert state["lstm.weight_ih_l0"].shape == (1024, 40)
    assert state["lstm.weight_hh_l2"].shape == (1024, 256)
    assert state["linear.weight"].shape == (256, 256)


def test_mel_filters_are_slaney_normalised_triangles():
    filters = mel_filters()
    assert filters.shape == (40, 201)
    assert (filters >= 0).all() and (filters.sum(axis=1) > 0).all()
    assert mel_spectrogram(np.zeros(16000, np.float32)).shape == (101, 40)


def test_embeddings_are_unit_vectors_and_a_voice_is_closer_to_itself():
    rng = np.random.default_rng(0)
    t = np.arange(16000 * 4) / 16000
    low = (np.sin(2 * np.pi * 110 * t) * (1 + 0.3 * np.sin(2 * np.pi * 3 * t))).astype(np.float32) * 0.3
    high = (np.sin(2 * np.pi * 260 * t) * (1 + 0.3 * np.sin(2 * np.pi * 5 * t))).astype(np.float32) * 0.3
    wav = np.concatenate([low, high]) + rng.normal(0, 0.01, 16000 * 8).astype(np.float32)
    emb = VoiceEncoder().embed_windows(wav, [0, 16000, 16000 * 4, 16000 * 5])
    assert np.allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    sims = emb @ emb.T
    assert sims[0, 1] > sims[0, 2] and sims[2, 3] > sims[1, 2]
