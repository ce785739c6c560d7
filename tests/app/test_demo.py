"""The README's first command: ``boussole demo`` serves the product and a stand-in LMS on SQLite."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.lti_client import LtiBrowser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def demo_server(tmp_path):
    port = free_port()
    env = dict(os.environ)
    env.pop("BOUSSOLE_DATABASE_URL", None)
    env.pop("BOUSSOLE_SECRET_KEY", None)
    env["BOUSSOLE_INSTANCE_PATH"] = str(tmp_path)
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", "from lti_tool.cli import cli; cli()", "demo", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://localhost:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.3)
    else:
        proc.kill()
        output = proc.communicate()[0]
        pytest.fail("the demo did not start: " + output)
    yield base
    proc.terminate()
    proc.communicate(timeout=20)


def test_demo_course_launches_the_tool(demo_server):
    course = requests.get(demo_server + "/demo", timeout=10)
    assert course.status_code == 200 and "Boussole" in course.text
    browser = LtiBrowser(demo_server + "/demo-lms", demo_server)
    link = __import__("re").search(r'name="resource_link" value="([^"]+)"', course.text).group(1)
    page = browser.launch(user="3", resource_link=link)
    assert page.status_code == 200, page.text[-500:]
    assert page.url.startswith(demo_server + "/")
    assert "/demo-lms" not in page.url
