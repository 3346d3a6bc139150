"""Fault benchmark: encounters through the real pipeline against the fake AssemblyAI under injected faults.

    python benchmarks/faults.py [--encounters 50] [--quick] [--seed 7] [--parallel 4]

The real Scribe, Worker, store, HTTP client and LLM note writer run against the fake AssemblyAI server
(tests/fakes/assemblyai.py) over real HTTP on 127.0.0.1; nothing is patched. The encounters are split
into five phases, one fault each:

    429 storm          many 429s with Retry-After on POST /v2/transcript and GET /v2/transcript/{id}
    5xx bursts         500/502/503/504 on upload, create, poll and the LLM Gateway
    connection resets  drops mid-upload (after 64 KiB), mid-poll, on create and on the LLM Gateway
    outage             the fake DOWN for 30 s (3 s with --quick) while encounters are in flight
    kill -9 + resume   a worker subprocess SIGKILLed mid-job, a resuming one SIGKILLed again,
                       then `python -m scribe_core resume` (the final resume, over the whole store)

Each encounter gets its own excerpt of a real consultation (so the fake's upload hashes tell which
encounter every upload and transcript came from). At the end each encounter is counted once:

    completed   state ready, with a note
    failed      state failed with a non-empty reason
    lost        anything else: missing, still in flight after the final resume, failed without a reason
    duplicated  more than one transcript created at the fake from its audio, or a remote id shared with
                (or pointing at the audio of) another encounter

The last line is `encounters: N completed: X failed: Y lost: Z duplicated: D`; the exit code is 1 when
lost or duplicated is not 0.
"""

from __future__ import annotations

import argparse
import base64
import collections
import concurrent.futures
import hashlib
import logging
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DEFAULT_AUDIO = ROOT.parent / "shared" / "data" / "fareez-osce" / "audio" / "RES0091.mp3"
API_KEY = "bench-key"
# Shorter than the app's default schedule so the run stays short; still rides out the 30 s outage.
JOB_RETRY_DELAYS = "5,10,20,40"
PHASES = ("429 storm", "5xx bursts", "connection resets", "outage", "kill -9 + resume")
WEIGHTS = (9, 9, 9, 8, 15)  # of 50
RETRY_LINE = re.compile(r"scribe_core\.http: (.+?): retrying after (.+) in ([0-9.]+) s")
IN_FLIGHT = ("uploaded", "transcribing", "transcribed", "drafting")


# -- audio --------------------------------------------------------------------------------------


def cut_excerpts(source: Path, out_dir: Path, count: int, rng: random.Random) -> list[Path]:
    """`count` distinct 5-8 s WAV excerpts of `source` (16 kHz mono), each with its own bytes."""
    import av
    import numpy as np

    rate = 16_000
    chunks = []
    with av.open(str(source)) as container:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
    samples = np.concatenate(chunks)
    total_s = len(samples) / rate
    paths, seen = [], set()
    for i in range(count):
        length_s = rng.uniform(5.0, 8.0)
        start_s = (i * 8.3 + rng.uniform(0, 0.5)) % max(1.0, total_s - length_s)
        piece = samples[int(start_s * rate): int((start_s + length_s) * rate)].copy()
        piece[0] = (i % 30000) + 1  # the bytes of every excerpt differ, even of silent stretches
        path = out_dir / f"enc-{i + 1:03d}.wav"
        with av.open(str(path), "w") as out:
            stream = out.add_stream("pcm_s16le", rate=rate, layout="mono")
            frame = av.AudioFrame.from_ndarray(piece.reshape(1, -1), format="s16", layout="mono")
            frame.rate = rate
            for packet in stream.encode(frame):
                out.mux(packet)
            for packet in stream.encode(None):
                out.mux(packet)
        digest = sha256(path)
        if digest in seen:
            raise RuntimeError(f"two excerpts share bytes: {path.name}")
        seen.add(digest)
        paths.append(path)
    return paths


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- bookkeeping --------------------------------------------------------------------------------


class RetryLog(logging.Handler):
    """Collects the HTTP client's 'retrying after X in Y s' lines (in this process), per phase."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.phase = ""
        self.events: list[tuple[str, str, str, float]] = []  # phase, service, why, delay
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        match = RETRY_LINE.search(f"scribe_core.http: {record.getMessage()}")
        if match:
            with self._lock:
                self.events.append((self.phase, _service(match[1]), _why(match[2]), float(match[3])))


def _service(name: str) -> str:
    return "AssemblyAI" if name == "AssemblyAI" else "LLM"


def _why(text: str) -> str:
    if text.startswith("HTTP 429"):
        return "429"
    if text.startswith("HTTP 5"):
        return "5xx"
    return "conn" if text.startswith("connection") else text.split()[0]


def retries_from_stderr(text: str) -> list[tuple[str, str, float]]:
    return [(_service(m[1]), _why(m[2]), float(m[3])) for m in RETRY_LINE.finditer(text)]


@dataclass
class PhaseRun:
    name: str
    names: list[str]
    injected: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    received: tuple[int, int] = (0, 0)
    retries: list[tuple[str, str, float]] = field(default_factory=list)
    seconds: float = 0.0


def split_counts(total: int, phases: list[str]) -> list[int]:
    """Encounters per phase: every phase gets one when there are enough, the rest by WEIGHTS."""
    if total < len(phases):
        return [1 if i >= len(phases) - total else 0 for i in range(len(phases))]  # the later phases first
    weights = [WEIGHTS[PHASES.index(p)] for p in phases]
    counts = [1] * len(phases)
    rest = total - len(phases)
    shares = [rest * w / sum(weights) for w in weights]
    counts = [c + int(s) for c, s in zip(counts, shares, strict=True)]
    order = sorted(range(len(phases)), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def scaled(n: float, quick: bool) -> int:
    return max(1, round(n / 2 if quick else n))


def clear_faults(fake: Any) -> int:
    """Faults injected for a phase that never fired must not leak into the next one."""
    with fake._lock:
        left = sum(f.times for f in fake._faults)
        fake._faults.clear()
    return left


# -- in-process phases --------------------------------------------------------------------------


def run_in_process(services: Any, paths: list[Path], timeout_s: float,
                   during: Any = None) -> list[str]:
    ids = [services.scribe.submit(p, p.name).id for p in paths]
    futures = [services.worker.enqueue(i) for i in ids]
    if during is not None:
        during(ids)
    give_up = time.monotonic() + timeout_s
    _, pending = concurrent.futures.wait(futures, timeout=timeout_s)
    # A transient failure leaves an encounter in flight with a scheduled retry: wait for those too.
    while time.monotonic() < give_up and any(services.store.get(i).state.in_flight for i in ids):
        time.sleep(0.2)
    still = sum(services.store.get(i).state.in_flight for i in ids)
    if pending or still:
        print(f"  warning: {still} encounter(s) still in flight after {timeout_s:.0f} s", flush=True)
    return ids


def phase_storm(fake: Any, services: Any, run: PhaseRun, paths: list[Path], quick: bool, rng: random.Random) -> None:
    g = len(paths)
    creates, polls = scaled(1.5 * g, quick), scaled(2.5 * g, quick)
    fake.inject_status("/v2/transcript", 429, times=creates, retry_after=1, method="POST")
    fake.inject_status("/v2/transcript/", 429, times=polls, retry_after=1, method="GET")
    run.injected += [f"429 Retry-After: 1 on create x{creates}", f"429 Retry-After: 1 on poll x{polls}"]
    run_in_process(services, paths, 300)


def phase_bursts(fake: Any, services: Any, run: PhaseRun, paths: list[Path], quick: bool, rng: random.Random) -> None:
    g = len(paths)
    plan = [("/v2/upload", "POST", 503, scaled(g / 2, quick)), ("/v2/transcript", "POST", 500, scaled(g / 2, quick)),
            ("/v2/transcript/", "GET", 502, scaled(g, quick)), ("/v2/transcript/", "GET", 504, scaled(g / 3, quick)),
            ("/v1/chat/completions", "POST", 503, scaled(g / 3, quick))]
    for prefix, method, status, times in plan:
        fake.inject_status(prefix, status, times=times, method=method)
        run.injected.append(f"{status} on {method} {prefix} x{times}")
    run_in_process(services, paths, 300)


def phase_resets(fake: Any, services: Any, run: PhaseRun, paths: list[Path], quick: bool, rng: random.Random) -> None:
    g = len(paths)
    uploads, polls, creates = scaled(g / 2, quick), scaled(g, quick), scaled(g / 4, quick)
    fake.inject_drop("/v2/upload", times=uploads, method="POST", after_bytes=64 * 1024)
    fake.inject_drop("/v2/transcript/", times=polls, method="GET")
    fake.inject_drop("/v2/transcript", times=creates, method="POST")
    run.injected += [f"reset mid-upload (after 64 KiB) x{uploads}", f"reset mid-poll x{polls}",
                     f"reset on create (before the server acts) x{creates}"]
    if not quick:
        fake.inject_drop("/v1/chat/completions", times=1, method="POST")
        run.injected.append("reset on the LLM Gateway call x1")
    run_in_process(services, paths, 300)


def phase_outage(fake: Any, services: Any, run: PhaseRun, paths: list[Path], quick: bool, rng: random.Random,
                 down_s: float) -> None:
    def outage(ids: list[str]) -> None:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # go down once the first encounter has a remote transcript
            if any(services.store.get(i).remote_transcript_id for i in ids):
                break
            time.sleep(0.02)
        states = collections.Counter(_stage(services.store.get(i)) for i in ids)
        fake.down = True
        started = time.monotonic()
        run.notes.append("at the outage: " + ", ".join(f"{k} {v}" for k, v in sorted(states.items())))
        time.sleep(down_s)
        fake.down = False
        finished = sum(1 for i in ids if not services.store.get(i).state.in_flight)
        run.notes.append(f"down {time.monotonic() - started:.1f} s; {finished}/{len(ids)} encounter(s) "
                         "had already ended (ready or failed) when it came back")

    run.injected.append(f"fake DOWN (accepts, then closes every connection) for {down_s:g} s")
    run_in_process(services, paths, 300 + down_s, during=outage)


def _stage(e: Any) -> str:
    if e.state.value == "transcribing":
        return "transcribing (polling)" if e.remote_transcript_id else "transcribing (uploading/creating)"
    return e.state.value


# -- kill -9 + resume ---------------------------------------------------------------------------


def child_main(mode: str, files: list[str], parallel: int) -> int:
    """The worker process the kill phase SIGKILLs: submit + process (or resume) with the real Worker."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    from scribe_core.bootstrap import build_services
    from scribe_core.config import Settings

    services = build_services(Settings.from_env(dotenv=False), max_parallel=parallel)
    if mode == "process":
        ids = [services.scribe.submit(Path(f), Path(f).name).id for f in files]
        print(f"submitted {len(ids)}", flush=True)
        for i in ids:
            services.worker.enqueue(i)
    else:
        ids = services.worker.resume_unfinished()
        print(f"resuming {len(ids)}", flush=True)
    while services.worker.busy() or any(services.store.get(i).state.in_flight for i in ids):
        time.sleep(0.05)
    services.worker.shutdown()
    for i in ids:
        e = services.store.get(i)
        print(f"{i}: {e.state.value}", flush=True)
    return 0


def phase_kill(fake: Any, services: Any, run: PhaseRun, paths: list[Path], quick: bool, rng: random.Random,
               env: dict[str, str], work: Path, parallel: int) -> None:
    saved = fake.polls_before_complete
    fake.polls_before_complete = 6  # keep transcripts "processing" a little longer: more is in flight
    names = {p.name for p in paths}
    logs = work / "logs"
    logs.mkdir(exist_ok=True)

    def ours() -> list[Any]:
        return [e for e in services.store.list() if e.source_name in names]

    def snapshot(label: str) -> None:
        states = collections.Counter(_stage(e) for e in ours())
        run.notes.append(f"{label}: " + ", ".join(f"{k} {v}" for k, v in sorted(states.items())))

    def start(args: list[str], tag: str) -> tuple[subprocess.Popen, Path]:
        err = logs / f"{tag}.stderr"
        with open(err, "w") as stderr:  # the child keeps its own copy of the descriptor
            proc = subprocess.Popen([sys.executable, *args], env=env, cwd=work, stdout=subprocess.PIPE,
                                    stderr=stderr, text=True)
        return proc, err

    def kill(proc: subprocess.Popen, ready: Any, tag: str) -> None:
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline and not ready():
            time.sleep(0.02)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            snapshot(f"SIGKILL {tag}")
        else:
            snapshot(f"{tag} finished before the kill")
        proc.stdout.close()

    try:
        script = str(Path(__file__).resolve())
        # 1. A worker process submits and processes the batch; killed once some transcripts exist.
        first, err1 = start([script, "--child", "process", "--parallel", str(parallel),
                             *map(str, paths)], "worker")
        first.stdout.readline()  # "submitted N"
        target = rng.randint(1, max(1, len(paths) // 2))
        kill_delay = rng.uniform(0, 0.3)
        run.injected.append(f"SIGKILL the worker once >= {target} transcript(s) exist (+{kill_delay:.2f} s)")

        def enough() -> bool:
            if sum(1 for e in ours() if e.remote_transcript_id) < target:
                return False
            time.sleep(kill_delay)
            return True

        kill(first, enough, "worker")
        # 2. A worker in resume mode picks the batch up; killed again after a random moment.
        second, err2 = start([script, "--child", "resume", "--parallel", str(parallel)], "resumer")
        second.stdout.readline()  # "resuming N"
        delay = rng.uniform(0.2, 1.0)
        run.injected.append(f"SIGKILL the resuming worker {delay:.2f} s after it started")
        until = time.monotonic() + delay
        kill(second, lambda: time.monotonic() >= until, "resumer")
        fake.polls_before_complete = saved
        # 3. The real CLI finishes whatever is left in flight, across the whole store.
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "scribe_core", "resume"], env=env, cwd=work,
                                capture_output=True, text=True, timeout=600)
        lines = result.stdout.strip().splitlines()
        run.notes.append(f"`python -m scribe_core resume` (exit {result.returncode}, "
                         f"{time.monotonic() - started:.1f} s) finished {len(lines)} encounter(s): "
                         + ", ".join(f"{k} {v}" for k, v in sorted(collections.Counter(
                             ln.split(": ", 1)[1].split(" ")[0] for ln in lines if ": " in ln).items())))
        stderr = err1.read_text() + err2.read_text() + result.stderr
        run.retries += retries_from_stderr(stderr)
        for line in stderr.splitlines():
            if line.startswith(("ERROR", "CRITICAL", "Traceback")):
                run.notes.append(f"child: {line[:160]}")
    finally:
        fake.polls_before_complete = saved


# -- the count ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    completed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    lost: dict[str, str] = field(default_factory=dict)
    duplicated: dict[str, str] = field(default_factory=dict)


def count(services: Any, fake: Any, digests: dict[str, str]) -> tuple[Outcome, dict[str, Any]]:
    """Judge every encounter from the store, and duplicates from what the fake recorded."""
    name_by_digest = {d: n for n, d in digests.items()}
    with fake._lock:
        upload_digest = dict(fake.upload_sha256)
        transcripts = {i: o.get("audio_url", "") for i, o in fake.transcripts.items()}
        gateway = {i: e["deleted"] for i, e in fake.gateway_requests.items()}
    creates: dict[str, list[str]] = collections.defaultdict(list)
    foreign = []
    for tid, url in transcripts.items():
        name = name_by_digest.get(upload_digest.get(url.rsplit("/", 1)[-1], ""))
        if name:
            creates[name].append(tid)
        else:
            foreign.append(tid)
    uploads_by_name = collections.Counter(name_by_digest.get(d) for d in upload_digest.values())

    encounters: dict[str, list[Any]] = collections.defaultdict(list)
    for e in services.store.list(include_purged=True):
        encounters[e.source_name].append(e)
    out = Outcome()
    remote_owner: dict[str, str] = {}
    for name in digests:
        rows = encounters.get(name, [])
        if len(rows) != 1:
            out.lost[name] = "missing from the store" if not rows else f"{len(rows)} rows in the store"
            continue
        e = rows[0]
        if len(creates[name]) > 1:
            out.duplicated[name] = f"{len(creates[name])} transcripts created from its audio"
        if e.remote_transcript_id:
            other = remote_owner.setdefault(e.remote_transcript_id, name)
            if other != name:
                out.duplicated[name] = f"shares remote id {e.remote_transcript_id} with {other}"
            elif e.remote_transcript_id not in creates[name]:
                out.duplicated[name] = "its remote id is not a transcript of its own audio"
        if e.state.value == "ready":
            if services.store.note(e.id) is None:
                out.lost[name] = "ready without a note"
            else:
                out.completed.append(name)
        elif e.state.value == "failed":
            if (e.error or "").strip():
                out.failed[name] = e.error.strip()
            else:
                out.lost[name] = "failed without a reason"
        else:
            out.lost[name] = f"left {e.state.value} (step {e.step!r}) after the final resume"
    referenced = set(remote_owner)
    facts = {
        "uploads": len(upload_digest),
        "uploads beyond one per encounter (retried or re-sent)": sum(max(0, c - 1) for c in uploads_by_name.values()),
        "uploads no transcript points at (audio left at AssemblyAI)":
            len(set(upload_digest) - {u.rsplit("/", 1)[-1] for u in transcripts.values()}),
        "transcripts created": len(transcripts),
        "encounters that created a transcript": sum(1 for n in digests if creates[n]),
        "transcripts no encounter points at": len(set(transcripts) - referenced),
        "transcripts from unknown audio": len(foreign),
        "LLM Gateway requests": len(gateway),
        "LLM Gateway requests never deleted": sum(1 for d in gateway.values() if not d),
    }
    return out, facts


# -- report -------------------------------------------------------------------------------------


def report(runs: list[PhaseRun], fake: Any, out: Outcome, facts: dict[str, Any], total: int,
           elapsed_s: float) -> None:
    print()
    print("Faults injected, and what the client did about them")
    print(f"{'phase':<18} {'enc':>3} {'s':>6}  {'fired at fake: 429 / 5xx / dropped':<36} retries (count, waited s)")
    received = list(fake.received)
    for r in runs:
        seen = received[r.received[0]: r.received[1]]
        n429 = sum(1 for q in seen if q.status == 429)
        n5xx = sum(1 for q in seen if q.status is not None and q.status >= 500)
        ndrop = sum(1 for q in seen if q.status is None)
        by = collections.defaultdict(lambda: [0, 0.0])
        for service, why, delay in r.retries:
            by[f"{service} {why}"][0] += 1
            by[f"{service} {why}"][1] += delay
        retries = "; ".join(f"{k} x{c} ({s:.1f} s)" for k, (c, s) in sorted(by.items())) or "none"
        print(f"{r.name:<18} {len(r.names):>3} {r.seconds:>6.1f}  {f'{n429} / {n5xx} / {ndrop}':<36} {retries}")
        for line in r.injected:
            print(f"{'':<20}injected: {line}")
        for line in r.notes:
            print(f"{'':<20}{line}")
    print()
    print("Outcome per phase")
    print(f"{'phase':<18} {'enc':>3} {'ready':>6} {'failed':>7} {'lost':>5} {'dup':>4}")
    for r in runs:
        names = set(r.names)
        print(f"{r.name:<18} {len(names):>3} {sum(n in names for n in out.completed):>6} "
              f"{sum(n in names for n in out.failed):>7} {sum(n in names for n in out.lost):>5} "
              f"{sum(n in names for n in out.duplicated):>4}")
    reasons = collections.Counter(_short(v) for v in out.failed.values())
    if reasons:
        print()
        print("Failure reasons (as stored)")
        for reason, n in reasons.most_common():
            print(f"  {n:>3} x {reason}")
    for title, items in (("Lost", out.lost), ("Duplicated", out.duplicated)):
        if items:
            print()
            print(title)
            for name, why in sorted(items.items()):
                print(f"  {name}: {why}")
    print()
    print("At the fake")
    for k, v in facts.items():
        print(f"  {k}: {v}")
    if fake.internal_errors:
        print(f"  errors inside the fake itself: {len(fake.internal_errors)}")
    print(f"  wall time: {elapsed_s:.1f} s")
    print()
    print(f"encounters: {total} completed: {len(out.completed)} failed: {len(out.failed)} "
          f"lost: {len(out.lost)} duplicated: {len(out.duplicated)}", flush=True)


def _short(reason: str) -> str:
    reason = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "<id>", reason)
    return reason if len(reason) <= 150 else reason[:147] + "..."


# -- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--encounters", type=int, default=50)
    parser.add_argument("--quick", action="store_true", help="3 s outage and fewer faults (smoke test)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--parallel", type=int, default=4, help="worker threads, in-process and in the child")
    parser.add_argument("--audio", type=Path, default=DEFAULT_AUDIO)
    parser.add_argument("--down-s", type=float, default=None, help="outage length (default 30, --quick 3)")
    parser.add_argument("--poll-interval", type=float, default=0.1)
    parser.add_argument("--phases", default=",".join(PHASES),
                        help="comma-separated subset of: " + ", ".join(PHASES) + " (the others get no encounters)")
    parser.add_argument("--child", choices=("process", "resume"), help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args.child, args.files, args.parallel)
    if args.encounters < 1:
        parser.error("--encounters must be at least 1")
    if not args.audio.exists():
        parser.error(f"no such audio file: {args.audio}")
    down_s = args.down_s if args.down_s is not None else (3.0 if args.quick else 30.0)
    chosen = [p.strip() for p in args.phases.split(",") if p.strip()]
    if not chosen or set(chosen) - set(PHASES):
        parser.error(f"--phases takes a comma-separated subset of: {', '.join(PHASES)}")

    from scribe_core.bootstrap import build_services
    from scribe_core.config import Settings
    from scribe_core.http import RetryPolicy
    from tests.fakes.assemblyai import FakeAssemblyAI

    rng = random.Random(args.seed)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    retry_log = RetryLog()
    http_log = logging.getLogger("scribe_core.http")
    http_log.setLevel(logging.INFO)
    http_log.addHandler(retry_log)
    http_log.propagate = False  # counted, not printed

    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="scribe-faults-") as tmp, \
            FakeAssemblyAI(api_key=API_KEY, polls_before_processing=1, polls_before_complete=2) as fake:
        work = Path(tmp)
        (work / "audio").mkdir()
        paths = cut_excerpts(args.audio, work / "audio", args.encounters, rng)
        digests = {p.name: sha256(p) for p in paths}
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSEMBLYAI_", "LLM_", "SCRIBE_"))}
        env.update(ASSEMBLYAI_API_KEY=API_KEY, ASSEMBLYAI_BASE_URL=fake.base_url,
                   LLM_GATEWAY_BASE_URL=fake.gateway_url, SCRIBE_DATA_DIR=str(work / "data"),
                   SCRIBE_ENCRYPTION_KEY=base64.urlsafe_b64encode(os.urandom(32)).decode(),
                   SCRIBE_POLL_INTERVAL_S=str(args.poll_interval), SCRIBE_POLL_DEADLINE_S="120",
                   SCRIBE_RETENTION_HOURS="0", SCRIBE_LOG_LEVEL="INFO", SCRIBE_JOB_RETRY_DELAYS_S=JOB_RETRY_DELAYS,
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        services = build_services(Settings.from_env(env, dotenv=False), max_parallel=args.parallel)
        print(f"{args.encounters} encounters, seed {args.seed}, {args.parallel} worker threads, poll every "
              f"{args.poll_interval:g} s, outage {down_s:g} s; fake AssemblyAI at {fake.base_url}", flush=True)
        policy = RetryPolicy()
        ceilings = [min(policy.max_delay_s, policy.base_delay_s * 2 ** (a - 1)) for a in range(1, policy.max_attempts)]
        print(f"client retry budget per request: {policy.max_attempts} attempts, full-jitter waits of at most "
              f"{' + '.join(f'{c:g}' for c in ceilings)} = {sum(ceilings):g} s (mean {sum(ceilings) / 2:g} s); "
              "Retry-After honoured up to "
              f"{policy.max_retry_after_s:g} s; then the encounter is tried again after {JOB_RETRY_DELAYS} s "
              "(SCRIBE_JOB_RETRY_DELAYS_S; the app's default is 15,30,60,120,240)", flush=True)

        runs: list[PhaseRun] = []
        offset = 0
        phases = [p for p in PHASES if p in chosen]
        for name, n in zip(phases, split_counts(args.encounters, phases), strict=True):
            group, offset = paths[offset: offset + n], offset + n
            if not group:
                continue
            run = PhaseRun(name, [p.name for p in group])
            retry_log.phase = name
            first = len(fake.received)
            started = time.monotonic()
            print(f"phase {name}: {n} encounter(s) ...", flush=True)
            if name == "429 storm":
                phase_storm(fake, services, run, group, args.quick, rng)
            elif name == "5xx bursts":
                phase_bursts(fake, services, run, group, args.quick, rng)
            elif name == "connection resets":
                phase_resets(fake, services, run, group, args.quick, rng)
            elif name == "outage":
                phase_outage(fake, services, run, group, args.quick, rng, down_s)
            else:
                phase_kill(fake, services, run, group, args.quick, rng, env, work, args.parallel)
            run.seconds = time.monotonic() - started
            left = clear_faults(fake)
            if left:
                run.notes.append(f"{left} injected fault(s) never fired (cleared)")
            run.received = (first, len(fake.received))
            run.retries += [(s, w, d) for p, s, w, d in retry_log.events if p == name]
            runs.append(run)

        if not any(r.name == "kill -9 + resume" for r in runs):  # the final resume otherwise runs there
            subprocess.run([sys.executable, "-m", "scribe_core", "resume"], env=env, cwd=work,
                           capture_output=True, text=True, timeout=600)
        services.worker.shutdown()
        out, facts = count(services, fake, digests)
        report(runs, fake, out, facts, args.encounters, time.monotonic() - began)
    return 1 if out.lost or out.duplicated else 0


if __name__ == "__main__":
    sys.exit(main())
