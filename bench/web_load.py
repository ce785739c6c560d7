"""The web layer under load: N learners take whole attempts against gunicorn, per database.

    .venv/bin/python bench/web_load.py [--backend sqlite|postgresql|both] [--learners 20]
        [--workers 2] [--healthz-requests 2000] [--seed 0] [--profile]

For each backend: a fresh database (a SQLite file in WAL mode, or a temporary PostgreSQL database
dropped afterwards) prepared with ``boussole db upgrade`` and ``boussole bank import`` (the shipped
bank); the tool under ``gunicorn -w N wsgi:app`` on 127.0.0.1 with the score outbox delivered in
process; the stand-in Moodle (lti_tool/demo) on a threaded werkzeug server in this process.

Then three phases:
1. launch: every learner launches through the stand-in LMS (OIDC login, signed id_token);
2. quiz: all learners at once, no think time, start an attempt and answer every question (seeded
   random choices) until the result page. Each request is timed alone (no redirect followed):
   the answer POST, the feedback page, the next item page, the result page;
3. ``/healthz`` (a route that returns "ok") hammered by as many threads as there are learners, on
   the same server: the denominator of the ratios, i.e. what the stack costs with no work at all.

It prints one table per backend, checks that every learner's score reached the LMS gradebook
(FullyGraded), and ends with the ratios. ``--profile`` also profiles answer requests in this
process (pyinstrument when installed) and counts their SQL statements.

The load generator, the stand-in LMS and gunicorn share the machine's cores: on a 2-core machine
the client takes a real share of the CPU, so the absolute figures are a floor of what the server
alone does; the ratios to /healthz under the same conditions are the comparable numbers.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import _web_harness as harness
import numpy as np
import requests

from tests.lti_client import forms


@dataclass
class Result:
    backend: str
    learners: int
    workers: int
    threads: int
    samples: harness.Samples = field(default_factory=harness.Samples)
    quiz: Phase = field(default_factory=lambda: Phase())
    healthz: Phase = field(default_factory=lambda: Phase())
    graded: int = 0
    failures: list[str] = field(default_factory=list)
    outbox: dict[str, int] = field(default_factory=dict)
    load: list[float] = field(default_factory=list)
    server_warnings: list[str] = field(default_factory=list)
    profile: str = ""

    def ok(self) -> bool:
        return not self.failures and self.graded == self.learners


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000 if values else float("nan")


# -- phases ---------------------------------------------------------------------------------
@dataclass
class Counters:
    """What the server and this process had used at one moment."""

    server_cpu: float
    client_cpu: float
    served: int  # lines in gunicorn's access log


def counters(server: harness.Gunicorn) -> Counters:
    return Counters(server.worker_cpu_seconds(), time.process_time(), len(server.access_lines()))


@dataclass
class Phase:
    seconds: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    served: list[tuple[str, str, float]] = field(default_factory=list)


def run_threads(
    count: int,
    work: Callable[[int, threading.Barrier], None],
    server: harness.Gunicorn,
    timeout: float = 600,
) -> Phase:
    """``count`` threads; each calls ``barrier.wait()`` when its warm-up is done. The phase runs
    from the barrier to the last thread's end."""
    marks: list[tuple[float, Counters]] = []
    barrier = threading.Barrier(
        count, action=lambda: marks.append((time.perf_counter(), counters(server)))
    )
    threads = [threading.Thread(target=work, args=(n, barrier), daemon=True) for n in range(count)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(deadline - time.monotonic(), 0.1))
    end = time.perf_counter()
    if any(t.is_alive() for t in threads):
        raise harness.HarnessError("some threads did not finish in time")
    if not marks:
        return Phase()
    time.sleep(0.2)  # gunicorn logs a request just after its last byte
    begin, before = marks[0]
    after = counters(server)
    return Phase(
        end - begin,
        after.server_cpu - before.server_cpu,
        after.client_cpu - before.client_cpu,
        server.access_lines()[before.served : after.served],
    )


def quiz_phase(
    result: Result, lms: harness.Lms, server: harness.Gunicorn, seed: int, cold: bool
) -> list[harness.Learner]:
    if not cold:
        warm_up(lms, server)
    ids = lms.add_learners(result.learners)
    learners = [
        harness.Learner(uid, lms, server.url, seed * 10_000 + n, result.samples)
        for n, uid in enumerate(ids)
    ]

    def work(n: int, barrier: threading.Barrier) -> None:
        learner = learners[n]
        intro = None
        try:
            intro = learner.launch()
        except Exception as exc:  # noqa: BLE001 - reported; the others go on
            result.failures.append(f"learner {learner.uid}: {type(exc).__name__}: {exc}")
        try:
            barrier.wait(timeout=300)
        except threading.BrokenBarrierError:
            result.failures.append(f"learner {learner.uid}: the launches did not all end")
            return
        if intro is None:
            return
        try:
            learner.take_quiz(intro)
        except Exception as exc:  # noqa: BLE001 - reported in the table's footer
            result.failures.append(f"learner {learner.uid}: {type(exc).__name__}: {exc}")

    result.quiz = run_threads(result.learners, work, server)
    return learners


def warm_up(lms: harness.Lms, server: harness.Gunicorn, timeout: float = 60) -> None:
    """One learner, not measured, starts an attempt: its "Started" score makes the tool fetch
    and cache an AGS access token while a worker is free to serve the JWKS that the LMS checks
    it against. A server that has been up for a while is in that state (Moodle also caches the
    tool's key set); ``--cold-token`` skips this to show the cold start."""
    learner = harness.Learner(lms.add_learners(1)[0], lms, server.url, 0, harness.Samples())
    learner.get(learner.start(learner.launch()))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with lms.state.lock:
            if lms.state.scores:
                return
        time.sleep(0.1)
    raise harness.HarnessError("the warm-up learner's score never reached the LMS")


def healthz_phase(result: Result, server: harness.Gunicorn, total: int, threads: int) -> None:
    per_thread = max(total // threads, 1)

    def work(n: int, barrier: threading.Barrier) -> None:
        http = requests.Session()
        http.get(server.url + "/healthz", timeout=30)  # warm-up, not timed
        barrier.wait(timeout=60)
        for _ in range(per_thread):
            t0 = time.perf_counter()
            resp = http.get(server.url + "/healthz", timeout=30)
            result.samples.add("healthz", time.perf_counter() - t0)
            if resp.status_code != 200:
                result.failures.append(f"/healthz: {resp.status_code}")
                return

    result.healthz = run_threads(threads, work, server)


def wait_for_grades(result: Result, lms: harness.Lms, ids: set[str], timeout: float = 60) -> None:
    """The outbox posts the score after the response: give it a moment, then count."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not ids <= lms.graded_users():
        time.sleep(0.2)
    result.graded = len(ids & lms.graded_users())


# -- one backend ----------------------------------------------------------------------------
def run_backend(backend: str, args: argparse.Namespace) -> Result:
    result = Result(backend, args.learners, args.workers, args.threads)
    with (
        harness.workdir() as tmp,
        harness.fresh_database(backend, tmp, args.pg_url) as db_url,
        closing(harness.listening_socket()) as sock,
    ):
        tool_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        env = harness.tool_env(db_url, tool_url, tmp)
        harness.boussole(env, "db", "upgrade")
        say(f"[{backend}] " + harness.boussole(env, "bank", "import").splitlines()[-1])
        with harness.stand_in_lms(tool_url) as lms:
            harness.register_platform(db_url, tool_url, lms.lms)
            log = tmp / "gunicorn.log"
            with harness.gunicorn(sock, env, args.workers, log, args.threads) as server:
                say(f"[{backend}] gunicorn on {server.url}; LMS on {lms.url}")
                result.load.append(os.getloadavg()[0])
                learners = quiz_phase(result, lms, server, args.seed, args.cold_token)
                wait_for_grades(result, lms, {learner.uid for learner in learners})
                healthz_phase(result, server, args.healthz_requests, args.learners)
                result.load.append(os.getloadavg()[0])
                if args.profile:
                    result.profile = profile_answers(db_url, tool_url, lms)
                result.server_warnings = server.warnings()
            if args.keep_log:
                kept = Path(args.keep_log) / f"gunicorn-{backend}.log"
                shutil.copyfile(log, kept)
                say(f"[{backend}] gunicorn's log: {kept}")
            result.outbox = harness.outbox_counts(db_url)
    return result


def profile_answers(db_url: str, tool_url: str, lms: harness.Lms, answers: int = 16) -> str:
    """One more learner's pages served in this process (Flask test client, same database, no HTTP,
    no concurrency): the time of each kind of request, the SQL statements of an answer, and a
    pyinstrument profile of every other answer request when pyinstrument is installed (the
    others are timed without the profiler)."""
    from sqlalchemy import event

    from lti_tool import create_app

    learner = harness.Learner(lms.add_learners(1)[0], lms, tool_url, 0, harness.Samples())
    location = learner.start(learner.launch())
    app = create_app(
        {"SECRET_KEY": harness.SECRET_KEY, "DATABASE_URL": db_url, "BASE_URL": tool_url}
    )
    client = app.test_client()
    engine = app.extensions["boussole.engine"]
    statements: list[float] = []
    stamps: dict[int, float] = {}

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, *_: Any) -> None:
        stamps[id(cursor)] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, *_: Any) -> None:
        statements.append(time.perf_counter() - stamps.pop(id(cursor), time.perf_counter()))

    try:
        from pyinstrument import Profiler

        profiler: Any = Profiler(interval=0.0005)
    except ImportError:
        profiler = None
    walls: dict[str, list[float]] = defaultdict(list)
    sql_counts: list[int] = []
    sql_times: list[float] = []

    def local(url: str) -> str:
        parts = urlsplit(urljoin(tool_url, url))
        return parts.path + "?" + parts.query

    def get(url: str, measure: bool) -> tuple[str, str]:
        t0 = time.perf_counter()
        resp = client.get(local(url))
        if measure:
            walls[harness.kind_of(url)].append(time.perf_counter() - t0)
        if resp.status_code in (302, 303):
            return get(urljoin(url, resp.headers["Location"]), measure)
        assert resp.status_code == 200, resp.status_code
        return url, resp.get_data(as_text=True)

    url, page = get(location, False)  # warms templates and caches up
    for n in range(answers + 1):
        if harness.kind_of(url) != "item":
            break
        form = next(f for f in forms(page) if "/answer" in f.action)
        data = {**form.fields, "choice": [harness.CHOICE.findall(page)[0][1]]}
        profiled, timed = profiler is not None and n % 2 == 1, n > 0 and n % 2 == 0
        statements.clear()
        if profiled:
            profiler.start()
        t0 = time.perf_counter()
        resp = client.post(local(form.action), data=data)
        wall = time.perf_counter() - t0
        if profiled:
            profiler.stop()
        if timed:
            walls["answer"].append(wall)
        if n > 0:
            sql_counts.append(len(statements))
            sql_times.append(sum(statements))
        url, page = get(urljoin(url, resp.headers["Location"]), n > 0)
        if harness.kind_of(url) == "feedback":
            href = harness.NEXT_BUTTON.search(page)
            assert href is not None
            url, page = get(urljoin(url, href.group(1).replace("&amp;", "&")), n > 0)
    engine.dispose()
    lines = [
        "in-process requests (Flask test client, same database, no HTTP, no concurrency), p50: "
        + ", ".join(
            f"{harness.KINDS[k]} {pct(v, 50):.1f} ms (n={len(v)})"
            for k, v in walls.items()
            if k in harness.KINDS
        ),
        f"answer POST: {int(np.median(sql_counts))} SQL statements, "
        f"{pct(sql_times, 50):.1f} ms in the database driver (p50)",
    ]
    if profiler is not None:
        lines.append(profiler.output_text(unicode=False, color=False))
    else:
        lines.append("(pyinstrument is not installed: no profile)")
    return "\n".join(lines)


# -- output ---------------------------------------------------------------------------------
def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def in_worker(phase: Phase) -> dict[str, list[float]]:
    """Seconds inside a gunicorn worker by request kind, from the access log."""
    out: dict[str, list[float]] = defaultdict(list)
    for method, path, seconds in phase.served:
        if path == "/healthz":
            out["healthz"].append(seconds)
        elif method == "POST" and path.endswith("/answer"):
            out["answer"].append(seconds)
        elif method == "POST" and path == "/quiz/start":
            out["start"].append(seconds)
        elif method == "GET" and path.startswith("/quiz/"):
            out[harness.kind_of(path)].append(seconds)
    return out


def table(result: Result) -> str:
    s = result.samples.by_kind
    quiz, health = result.quiz, result.healthz
    worker = {**in_worker(quiz), "healthz": in_worker(health).get("healthz", [])}
    quiz_n = result.samples.count(harness.QUIZ_KINDS)
    health_n = len(s.get("healthz", []))
    out = [
        f"### {result.backend}: {result.learners} learners, gunicorn -w {result.workers} "
        + (f"--threads {result.threads} (gthread), " if result.threads > 1 else "(sync), ")
        + f"{quiz_n} quiz requests in {quiz.seconds:.1f} s",
        "",
        "| request | n | req/s | p50 ms | p95 ms | p99 ms | in worker p50 ms | in worker p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(label: str, kinds: tuple[str, ...], seconds: float | None) -> None:
        values = [v for k in kinds for v in s.get(k, [])]
        inside = [v for k in kinds for v in worker.get(k, [])]
        rate = f"{len(values) / seconds:.1f}" if seconds else ""
        out.append(
            f"| {label} | {len(values)} | {rate} | {pct(values, 50):.1f} | {pct(values, 95):.1f} "
            f"| {pct(values, 99):.1f} | {pct(inside, 50):.1f} | {pct(inside, 95):.1f} |"
        )

    row("launch (LMS + tool, 4 hops)", ("launch",), None)
    for kind in harness.QUIZ_KINDS:
        row(harness.KINDS[kind], (kind,), quiz.seconds)
    row("all quiz requests", harness.QUIZ_KINDS, quiz.seconds)
    row("GET /healthz", ("healthz",), health.seconds)
    out += [
        "",
        "p50/p95/p99: as the learner's browser sees it (queue + network + worker); in worker: from "
        "gunicorn's access log (request parsed -> last byte written)",
        f"server CPU per request (gunicorn workers): quiz {per_ms(quiz.server_cpu, quiz_n)} ms, "
        f"/healthz {per_ms(health.server_cpu, health_n)} ms; CPU of this process (load "
        f"generator + LMS) during the quiz: {quiz.client_cpu:.1f} s for {quiz.seconds:.1f} s",
        f"machine: {os.cpu_count()} cores, 1-min load average "
        + " -> ".join(f"{x:.1f}" for x in result.load)
        + " (before the quiz -> after /healthz)",
        f"grades: {result.graded}/{result.learners} FullyGraded scores reached the stand-in LMS; "
        "score outbox: " + ", ".join(f"{k} {v}" for k, v in sorted(result.outbox.items())),
    ]
    out += [f"server log: {w}" for w in result.server_warnings[:10]]
    out += [f"FAILURE {f}" for f in result.failures[:10]]
    return "\n".join(out)


def per_ms(cpu_seconds: float, n: int) -> str:
    return f"{cpu_seconds * 1000 / n:.2f}" if n else "n/a"


def ratios(result: Result) -> str:
    s = result.samples.by_kind
    answer, health = s.get("answer", []), s.get("healthz", [])
    quiz_n = result.samples.count(harness.QUIZ_KINDS)
    quiz_rate = quiz_n / result.quiz.seconds if result.quiz.seconds else 0.0
    health_rate = len(health) / result.healthz.seconds if result.healthz.seconds else float("nan")
    cpu = "n/a"
    if quiz_n and health and result.healthz.server_cpu > 0:
        per_quiz = result.quiz.server_cpu / quiz_n
        cpu = f"{per_quiz / (result.healthz.server_cpu / len(health)):.1f}"
    return (
        f"ratios {result.backend}: answer p50 / healthz p50 = "
        f"{pct(answer, 50) / pct(health, 50):.1f}; answer p95 / healthz p95 = "
        f"{pct(answer, 95) / pct(health, 95):.1f}; quiz req/s / healthz req/s = "
        f"{quiz_rate / health_rate:.3f}; server CPU per quiz request / per healthz request = {cpu}"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    p.add_argument("--learners", type=int, default=20)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument(
        "--threads", type=int, default=1, help="gunicorn threads per worker (> 1: gthread workers)"
    )
    p.add_argument("--healthz-requests", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--pg-url", default=harness.PG_URL, help="PostgreSQL server (loopback only)")
    p.add_argument("--profile", action="store_true", help="profile answer requests in process")
    p.add_argument("--keep-log", metavar="DIR", help="copy gunicorn's log into DIR")
    p.add_argument(
        "--cold-token",
        action="store_true",
        help="no warm-up learner: the first score deliveries also fetch the AGS access token",
    )
    args = p.parse_args(argv)
    host = urlsplit(args.pg_url.replace("postgresql+psycopg", "postgresql")).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        p.error("--pg-url must point to a loopback server")
    if min(args.learners, args.workers, args.threads, args.healthz_requests) < 1:
        p.error("--learners, --workers, --threads and --healthz-requests must be positive")
    return args


def _terminate(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds the context managers: servers and databases go


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the LMS's access log
    signal.signal(signal.SIGTERM, _terminate)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    t0 = time.perf_counter()
    results = []
    for backend in backends:
        result = run_backend(backend, args)
        results.append(result)
        print(table(result) + "\n", flush=True)
        if result.profile:
            print(result.profile, flush=True)
    for result in results:
        print(ratios(result))
    say(f"total {time.perf_counter() - t0:.0f} s")
    return 0 if all(r.ok() for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
