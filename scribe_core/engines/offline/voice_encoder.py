"""Resemblyzer's GE2E speaker encoder (d-vectors) in numpy: no torch, no librosa.

The `resemblyzer` wheel is installed with `--no-deps` only for its weights, `pretrained.pt`, a
3-layer LSTM (40 mel bins in, 256 hidden) and a 256->256 linear layer with ReLU whose output is
L2-normalised. The file is a legacy (pre-zip) torch pickle. `load_weights` reads it with an
unpickler that resolves exactly three globals (OrderedDict, the float storage type and the
tensor-rebuild function) to local stand-ins and refuses any other, so loading the file can never
run code, unlike `pickle.load` or `torch.load(weights_only=False)`.
"""

from __future__ import annotations

import collections
import importlib.util
import pickle
import struct
from pathlib import Path

import numpy as np

from ...errors import ConfigurationError
from .mel import HOP, mel_spectrogram

PARTIAL_FRAMES = 160  # 1.6 s windows, as the encoder was trained
HIDDEN = 256
LAYERS = 3


class _Tensor:
    """A tensor reference recorded while unpickling; its bytes follow the pickle in the file."""

    def __init__(self, storage_key: str, offset: int, size: tuple, stride: tuple) -> None:
        self.storage_key, self.offset, self.size, self.stride = storage_key, offset, size, stride


def _rebuild_tensor(storage, offset, size, stride, *_ignored):
    return _Tensor(storage, offset, tuple(size), tuple(stride))


class _RestrictedUnpickler(pickle.Unpickler):
    _ALLOWED = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
        ("torch", "FloatStorage"): "FloatStorage",
    }

    def find_class(self, module: str, name: str):
        try:
            return self._ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the weights") from None

    def persistent_load(self, pid):
        # ('storage', 'FloatStorage', key, location, numel, view_metadata)
        if not (isinstance(pid, tuple) and pid[0] == "storage" and pid[1] == "FloatStorage"):
            raise pickle.UnpicklingError("unexpected persistent id in the weights")
        return pid[2]


def default_weights_path() -> Path:
    spec = importlib.util.find_spec("resemblyzer")  # locate only: importing it needs torch
    if spec is None or not spec.submodule_search_locations:
        raise ConfigurationError(
            "The speaker-embedding weights are missing; run `pip install --no-deps resemblyzer==0.1.4`"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"


def load_weights(path: Path) -> dict[str, np.ndarray]:
    """The `model_state` tensors of a legacy torch checkpoint as float32 arrays."""
    with open(path, "rb") as fh:
        for _ in range(3):  # magic number, protocol version, system info: plain data
            _RestrictedUnpickler(fh).load()
        checkpoint = _RestrictedUnpickler(fh).load()
        storage_keys = _RestrictedUnpickler(fh).load()
        storages: dict[str, np.ndarray] = {}
        for key in storage_keys:
            (numel,) = struct.unpack("<q", fh.read(8))
            storages[key] = np.frombuffer(fh.read(4 * numel), dtype="<f4")
    state = {}
    for name, ref in checkpoint["model_state"].items():
        flat = storages[ref.storage_key]
        strides = tuple(4 * s for s in ref.stride)
        view = np.lib.stride_tricks.as_strided(flat[ref.offset :], shape=ref.size, strides=strides)
        state[name] = np.array(view, dtype=np.float32)
    return state


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # overflow-free form


class VoiceEncoder:
    """Embeds 1.6 s windows of 16 kHz speech into 256-d unit vectors."""

    def __init__(self, weights_path: Path | None = None) -> None:
        w = load_weights(weights_path or default_weights_path())
        self._layers = [
            (
                np.ascontiguousarray(w[f"lstm.weight_ih_l{k}"].T),
                np.ascontiguousarray(w[f"lstm.weight_hh_l{k}"].T),
                w[f"lstm.bias_ih_l{k}"] + w[f"lstm.bias_hh_l{k}"],
            )
            for k in range(LAYERS)
        ]
        self._linear_w = np.ascontiguousarray(w["linear.weight"].T)
        self._linear_b = w["linear.bias"]

    def embed_mels(self, mels: np.ndarray) -> np.ndarray:
        """(batch, frames, 40) mel windows -> (batch, 256) L2-normalised embeddings."""
        x = mels.astype(np.float32)
        batch, steps, _ = x.shape
        h = np.zeros((batch, HIDDEN), np.float32)
        for w_ih, w_hh, bias in self._layers:
            # The input projection of every time step at once; only h @ W_hh is sequential.
            gates_in = (x.reshape(batch * steps, -1) @ w_ih + bias).reshape(batch, steps, 4 * HIDDEN)
            h = np.zeros((batch, HIDDEN), np.float32)
            c = np.zeros((batch, HIDDEN), np.float32)
            outputs = np.empty((batch, steps, HIDDEN), np.float32)
            for t in range(steps):
                gates = gates_in[:, t] + h @ w_hh
                i, f, g, o = np.split(gates, 4, axis=1)  # torch's gate order
                c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
                h = _sigmoid(o) * np.tanh(c)
                outputs[:, t] = h
            x = outputs
        raw = np.maximum(h @ self._linear_w + self._linear_b, 0.0)
        return raw / np.maximum(np.linalg.norm(raw, axis=1, keepdims=True), 1e-9)

    def embed_windows(self, wav: np.ndarray, starts: list[int], batch_size: int = 128) -> np.ndarray:
        """Embeddings of 1.6 s windows starting at the given sample offsets.

        The mel spectrogram is computed once for the whole recording and sliced per window; a
        window's mel frames then differ from a separately computed one only at its two edges.
        """
        if not starts:
            return np.zeros((0, HIDDEN), np.float32)
        mel = mel_spectrogram(wav)
        pad = max(0, max(starts) // HOP + PARTIAL_FRAMES - len(mel))
        if pad:
            mel = np.pad(mel, ((0, pad), (0, 0)))
        frames = np.stack([mel[s // HOP : s // HOP + PARTIAL_FRAMES] for s in starts])
        out = [self.embed_mels(frames[i : i + batch_size]) for i in range(0, len(frames), batch_size)]
        return np.concatenate(out)
