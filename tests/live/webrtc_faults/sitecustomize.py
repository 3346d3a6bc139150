"""Fault injection for the browser tests, loaded by the app's Python when this folder leads PYTHONPATH.

WEBRTC_UNANSWERED_OFFERS=N: streamlit-webrtc's first N attempts to answer the browser's offer fail as
they do on a machine too busy to answer within its 10 s: each blocks the page's run (2 s here, not 10)
and raises SignallingTimeoutError. The browser's offer updates, sent meanwhile, then bring one more run
between them, not one each. Only the third-party library is touched; the app's code runs as shipped.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
import time

_TARGET = "streamlit_webrtc.webrtc"
BLOCK_S = 2.0


def _inject(module) -> None:
    remaining = {"n": int(os.environ.get("WEBRTC_UNANSWERED_OFFERS", "0"))}
    answer = module.WebRtcWorker.process_offer

    def process_offer(self, sdp, type_, timeout=None):
        if remaining["n"] > 0:
            remaining["n"] -= 1
            time.sleep(BLOCK_S)
            raise module.SignallingTimeoutError(
                f"Processing offer and initializing the worker has not finished in {timeout} seconds")
        return answer(self, sdp, type_, timeout=timeout)

    module.WebRtcWorker.process_offer = process_offer


class _PatchAfterImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != _TARGET:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        execute = spec.loader.exec_module

        def exec_module(module):
            execute(module)
            _inject(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


if os.environ.get("WEBRTC_UNANSWERED_OFFERS"):
    sys.meta_path.insert(0, _PatchAfterImport())
