"""Upload benchmark: our streamed /v2/upload against the official `assemblyai` SDK, same run, same fake.

    python benchmarks/upload.py [--size-mb 1024] [--repeat 1]

Each uploader runs in its own fresh process so its memory is measured alone: the figure is peak RSS
(VmHWM) during the upload minus the process's RSS just before it. Target: ours ≤ 100 MB above idle,
throughput no worse than the SDK's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
API_KEY = "bench-key"


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child(which: str, base_url: str, path: str) -> None:
    """Runs in a subprocess: import everything, note idle RSS, upload, print JSON figures."""
    if which == "ours":
        from scribe_core.engines.assemblyai_api import AssemblyAIClient

        client = AssemblyAIClient(api_key=API_KEY, base_url=base_url)

        def upload() -> str:
            return client.upload(Path(path))
    else:
        import assemblyai as aai

        aai.settings.api_key = API_KEY
        aai.settings.base_url = base_url
        aai.settings.http_timeout = 3600.0
        transcriber = aai.Transcriber()

        def upload() -> str:
            return transcriber.upload_file(path)

    idle_kb = _status_kb("VmRSS")
    started = time.perf_counter()
    url = upload()
    seconds = time.perf_counter() - started
    print(json.dumps({"idle_mb": idle_kb / 1024, "peak_mb": _status_kb("VmHWM") / 1024,
                      "seconds": seconds, "upload_url": url}))


def make_file(path: Path, size_mb: int) -> None:
    block = os.urandom(1 << 20)
    with open(path, "wb") as f:
        for i in range(size_mb):
            f.write(i.to_bytes(8, "little") + block[8:])


def run_child(which: str, base_url: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", which, "--url", base_url, "--file", str(path)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child")
    parser.add_argument("--url")
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url, args.file)
        return

    from tests.fakes.assemblyai import FakeAssemblyAI

    with tempfile.TemporaryDirectory() as tmp, FakeAssemblyAI(api_key=API_KEY) as fake:
        path = Path(tmp) / "big.bin"
        make_file(path, args.size_mb)
        size = path.stat().st_size
        rows = []
        for _ in range(args.repeat):
            for which in ("sdk", "ours"):  # alternate so neither always runs on a warm page cache
                result = run_child(which, fake.base_url, path)
                uploaded = fake.uploads[result["upload_url"].rsplit("/", 1)[-1]]
                assert uploaded == size, f"{which}: fake received {uploaded} of {size} bytes"
                rows.append((which, result))
    print(f"upload of {size / 2**20:.0f} MiB to the fake AssemblyAI server on 127.0.0.1")
    print(f"{'uploader':<28}{'idle RSS MB':>12}{'peak RSS MB':>12}{'growth MB':>11}{'MB/s':>9}")
    for which, r in rows:
        name = "assemblyai SDK (httpx)" if which == "sdk" else "scribe_core (requests)"
        growth = r["peak_mb"] - r["idle_mb"]
        print(f"{name:<28}{r['idle_mb']:>12.1f}{r['peak_mb']:>12.1f}{growth:>11.1f}{size / 2**20 / r['seconds']:>9.1f}")


if __name__ == "__main__":
    main()
