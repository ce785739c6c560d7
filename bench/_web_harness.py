"""The harness of ``bench/web_load.py``: a fresh database, the tool under gunicorn, the stand-in
LMS, and a learner's browser that times each request.

Everything listens on 127.0.0.1 (the LMS is addressed as ``localhost`` so that the tool and the
platform are two cookie sites, as in production). Every context manager cleans up after itself,
also when the benchmark fails half-way.
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # ``tests.*`` helpers, when run as ``python bench/web_load.py``
    sys.path.insert(0, str(ROOT))

from lti_tool.demo import pem_pair, stand_in_registration  # noqa: E402
from lti_tool.demo.lms_state import LmsState, ToolRegistration  # noqa: E402
from lti_tool.demo.platform_app import StandInLms  # noqa: E402
from lti_tool.demo.platform_conf import PlatformSettings  # noqa: E402
from tests.lti_client import LtiBrowser, forms  # noqa: E402
from tests.servers import LiveServer, reserve  # noqa: E402

SECRET_KEY = "bench-web-load-" + "k" * 40  # fixed: the setup and the workers decrypt the same keys
CLIENT_ID = "NHlVtV4wLQLwANV"
DEPLOYMENT_ID = "1"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
LEARNER_TEMPLATE = "3"  # the stand-in LMS's learner "Sam Student"


class HarnessError(RuntimeError):
    """A server did not start or a setup command failed."""


# -- databases ------------------------------------------------------------------------------
@contextmanager
def fresh_database(backend: str, workdir: Path, pg_url: str = PG_URL) -> Iterator[str]:
    """A new, empty database: a SQLite file in ``workdir`` or a temporary PostgreSQL database."""
    if backend == "sqlite":
        yield "sqlite:///" + str(workdir / "boussole.sqlite3")
        return
    if backend != "postgresql":
        raise ValueError(backend)
    name = f"boussole_bench_{secrets.token_hex(4)}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield pg_url.rpartition("/")[0] + "/" + name
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def tool_env(database_url: str, base_url: str, instance: Path) -> dict[str, str]:
    """The tool's environment: ours only, whatever ``BOUSSOLE_*`` the caller's shell has."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOUSSOLE_")}
    env.update(
        {
            "BOUSSOLE_SECRET_KEY": SECRET_KEY,
            "BOUSSOLE_DATABASE_URL": database_url,
            "BOUSSOLE_BASE_URL": base_url,
            "BOUSSOLE_INSTANCE_PATH": str(instance),
            "BOUSSOLE_OUTBOX_IN_PROCESS": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def boussole(env: dict[str, str], *args: str) -> str:
    """Run the ``boussole`` command as an operator would; its output, or HarnessError."""
    script = Path(sys.executable).with_name("boussole")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "lti_tool.cli"]
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [*cmd, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        raise HarnessError(f"boussole {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


def register_platform(database_url: str, tool_url: str, lms: StandInLms) -> None:
    """The Platform and Deployment rows (as tests/conftest.py's make_platform) and the tool's
    signing key, created here once rather than raced by the first requests of two workers."""
    from lti_tool import create_app
    from lti_tool import db as database
    from lti_tool.lti.keys import active_key

    issuer = lms.settings.issuer
    app = create_app({"SECRET_KEY": SECRET_KEY, "DATABASE_URL": database_url, "BASE_URL": tool_url})
    try:
        with app.app_context():
            db = database.session()
            db.add(stand_in_registration(issuer, CLIENT_ID, DEPLOYMENT_ID, "Bench Moodle"))
            active_key(db)
            db.commit()
    finally:
        app.extensions["boussole.engine"].dispose()


def outbox_counts(database_url: str) -> dict[str, int]:
    """Score outbox rows by status, read after the run."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT status, COUNT(*) FROM score_outbox GROUP BY status"))
            return {str(status): int(n) for status, n in rows}
    finally:
        engine.dispose()


# -- the stand-in LMS -----------------------------------------------------------------------
@dataclass
class Lms:
    lms: StandInLms
    url: str
    link_id: str

    @property
    def state(self) -> LmsState:
        return self.lms.state

    def add_learners(self, count: int) -> list[str]:
        """``count`` learners, copies of the stand-in's learner with their own ids."""
        template = self.state.users[LEARNER_TEMPLATE]
        ids = []
        with self.state.lock:
            for n in range(count):
                uid = str(1000 + len(self.state.users) + n)
                self.state.users[uid] = dataclasses.replace(
                    template, id=uid, username=f"learner{uid}", name=f"Learner {uid}"
                )
                ids.append(uid)
        return ids

    def graded_users(self) -> set[str]:
        with self.state.lock:
            return {
                str(s.body["userId"])
                for s in self.state.scores
                if s.body.get("gradingProgress") == "FullyGraded"
            }


@contextmanager
def stand_in_lms(tool_url: str) -> Iterator[Lms]:
    """The stand-in Moodle on a threaded werkzeug server, with the tool and one activity."""
    server: LiveServer
    server, switch = reserve("localhost")
    private, public = pem_pair()
    lms = StandInLms(PlatformSettings(server.url, private, public))
    lms.add_tool(
        ToolRegistration(
            client_id=CLIENT_ID,
            deployment_id=DEPLOYMENT_ID,
            login_url=tool_url + "/lti/login",
            redirect_uris=[tool_url + "/lti/launch"],
            target_link_uri=tool_url + "/lti/launch",
            jwks_url=tool_url + "/lti/jwks",
        )
    )
    link = lms.state.add_resource_link("Boussole — bench", CLIENT_ID)
    switch.target = lms.app
    server.start()
    try:
        yield Lms(lms, server.url, link.id)
    finally:
        server.stop()


# -- the tool under gunicorn ----------------------------------------------------------------
def listening_socket() -> socket.socket:
    """A socket bound to a free loopback port, handed to gunicorn (no port race)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    return sock


@dataclass
class Gunicorn:
    process: subprocess.Popen[bytes]
    url: str
    log: Path
    access_log: Path

    def access_lines(self) -> list[tuple[str, str, float]]:
        """(method, path, seconds inside the worker) per request served so far: from parsing
        the request to the last byte written (not the wait in the accept queue, nor what runs
        after the response, such as the in-process score delivery)."""
        try:
            lines = self.access_log.read_text(errors="replace").splitlines()
        except OSError:
            return []
        out = []
        for line in lines:
            parts = line.split()
            if len(parts) == 4 and parts[3].isdigit():
                out.append((parts[0], parts[1], int(parts[3]) / 1e6))
        return out

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def worker_cpu_seconds(self) -> float:
        """User + system CPU time of the workers so far (Linux ``/proc``; 0 elsewhere)."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        return total / tick

    def warnings(self) -> list[str]:
        """The application's warnings and errors in gunicorn's log (e.g. a score given up)."""
        try:
            lines = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return []
        return [line for line in lines if re.search(r"WARNING|ERROR|Traceback|failed", line)]

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@contextmanager
def gunicorn(
    sock: socket.socket, env: dict[str, str], workers: int, log: Path, threads: int = 1
) -> Iterator[Gunicorn]:
    """``gunicorn -w N wsgi:app`` on ``sock`` (sync workers, or gthread ones when ``threads`` > 1);
    stopped (then killed if need be) on the way out."""
    host, port = sock.getsockname()[:2]
    url = f"http://{host}:{port}"
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"fd://{sock.fileno()}",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--error-logfile",
        str(log),
        "--access-logfile",
        str(log.with_name("access.log")),
        "--access-logformat",
        "%(m)s %(U)s %(s)s %(D)s",
        "wsgi:app",
    ]
    with open(log, "ab") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            cmd,
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            pass_fds=(sock.fileno(),),
            start_new_session=True,  # a Ctrl-C in the terminal reaches us, and we stop it
        )
    sock.close()  # gunicorn holds its own copy
    server = Gunicorn(process, url, log, log.with_name("access.log"))
    try:
        _wait_ready(server, workers)
        yield server
    finally:
        _stop(process)


def _wait_ready(server: Gunicorn, workers: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    http = requests.Session()
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise HarnessError("gunicorn exited:\n" + server.log_tail())
        try:
            if http.get(server.url + "/healthz", timeout=2).status_code == 200:
                if len(server.worker_pids()) >= workers or not server.worker_pids():
                    return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise HarnessError("gunicorn did not answer /healthz in time:\n" + server.log_tail())


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # graceful: workers finish their request
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: the master and its workers
        process.wait(timeout=5)


@contextmanager
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="boussole-web-load-") as name:
        yield Path(name)


# -- a learner's browser ---------------------------------------------------------------------------
KINDS = {
    "start": "POST /quiz/start",
    "answer": "POST answer",
    "feedback": "GET feedback",
    "item": "GET item",
    "result": "GET result",
}
QUIZ_KINDS = tuple(KINDS)
CHOICE = re.compile(r'type="(radio|checkbox)" name="choice" id="choice-\d+" value="(\d+)"')
NEXT_BUTTON = re.compile(r'class="button" href="([^"]+)"')
_ITEM_PATH = re.compile(r"/quiz/\d+$")


class Samples:
    """Latencies in seconds by request kind; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.by_kind: dict[str, list[float]] = defaultdict(list)

    def add(self, kind: str, seconds: float) -> None:
        with self._lock:
            self.by_kind[kind].append(seconds)

    def count(self, kinds: tuple[str, ...]) -> int:
        return sum(len(self.by_kind.get(k, [])) for k in kinds)


class LearnerError(RuntimeError):
    pass


def kind_of(url: str) -> str:
    path = urlsplit(url).path
    if "/feedback/" in path:
        return "feedback"
    if path.endswith("/result"):
        return "result"
    return "item" if _ITEM_PATH.search(path) else "other"


class Learner:
    """One browser: its own ``requests.Session``, cookies of the tool blocked (as in Safari)."""

    def __init__(self, uid: str, lms: Lms, tool_url: str, seed: int, samples: Samples):
        self.uid = uid
        self.lms = lms
        self.browser = LtiBrowser(lms.url, tool_url, block_tool_cookies=True)
        self.http = self.browser.http
        self.rng = random.Random(seed)
        self.samples = samples
        self.answered = 0

    def launch(self) -> requests.Response:
        t0 = time.perf_counter()
        page = self.browser.launch(user=self.uid, resource_link=self.lms.link_id, locale="fr")
        self.samples.add("launch", time.perf_counter() - t0)
        if page.status_code != 200:
            raise LearnerError(f"launch: {page.status_code}")
        return page

    def timed(self, kind: str, method: str, url: str, **kwargs: Any) -> requests.Response:
        t0 = time.perf_counter()
        resp = self.http.request(method, url, allow_redirects=False, timeout=60, **kwargs)
        self.samples.add(kind, time.perf_counter() - t0)
        return resp

    def get(self, url: str) -> tuple[str, requests.Response]:
        """GET, following redirects by hand so that each hop is timed as what it is."""
        for _ in range(5):
            resp = self.timed(kind_of(url), "GET", url)
            if resp.status_code in (302, 303):
                url = urljoin(url, resp.headers["Location"])
                continue
            if resp.status_code != 200:
                raise LearnerError(f"GET {urlsplit(url).path}: {resp.status_code}")
            return url, resp
        raise LearnerError("too many redirects")

    def post(self, kind: str, url: str, data: dict[str, Any]) -> str:
        resp = self.timed(kind, "POST", url, data=data)
        if resp.status_code != 303:
            raise LearnerError(f"POST {urlsplit(url).path}: {resp.status_code}")
        return urljoin(url, resp.headers["Location"])

    def start(self, intro: requests.Response) -> str:
        """Submit the intro page's start form; the URL of the first item."""
        form = next(f for f in forms(intro.text) if urlsplit(f.action).path == "/quiz/start")
        return self.post("start", urljoin(intro.url, form.action), form.fields)

    def take_quiz(self, intro: requests.Response, limit: int = 80) -> None:
        url, page = self.get(self.start(intro))
        for _ in range(limit):
            kind = kind_of(url)
            if kind == "result":
                return
            if kind == "feedback":
                href = NEXT_BUTTON.search(page.text)
                if href is None:
                    raise LearnerError("feedback page without a next button")
                url, page = self.get(urljoin(url, href.group(1).replace("&amp;", "&")))
                continue
            url, page = self.get(self.answer(url, page))
        raise LearnerError(f"no result after {limit} pages")

    def answer(self, url: str, page: requests.Response) -> str:
        form = next((f for f in forms(page.text) if "/answer" in f.action), None)
        options = CHOICE.findall(page.text)
        if form is None or not options:
            raise LearnerError(f"no question on {urlsplit(url).path}")
        values = [v for _, v in options]
        if options[0][0] == "checkbox":
            chosen = sorted(self.rng.sample(values, self.rng.randint(1, len(values))), key=int)
        else:
            chosen = [self.rng.choice(values)]
        self.answered += 1
        return self.post("answer", urljoin(url, form.action), {**form.fields, "choice": chosen})
