"""Real HTTP on loopback: a WSGI app served by werkzeug in a background thread."""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server


class LiveServer:
    def __init__(self, app: Any, host: str) -> None:
        self.server: BaseWSGIServer = make_server(host, 0, app, threaded=True)
        self.host = host
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> LiveServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class SwitchableApp:
    """A WSGI app whose target can be set after the server has started (the port comes first)."""

    def __init__(self) -> None:
        self.target: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.target(environ, start_response)


def reserve(host: str) -> tuple[LiveServer, SwitchableApp]:
    switch = SwitchableApp()
    return LiveServer(switch, host), switch
