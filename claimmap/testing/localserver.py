"""Run the dashboard on a free local port, for the browser tests and the benchmarks.

Also the one place that knows how Debian's Chromium is launched here (Playwright's own browser
download does not work on these machines) and which hosts count as local.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import urlparse

from claimmap.config import DATA_ENV

if TYPE_CHECKING:
    from playwright.sync_api import Route

REPO = Path(__file__).resolve().parents[2]
DASHBOARD = REPO / "dashboard.py"
SERVER = REPO / "serve.py"  # how the app is run: dashboard.py, with the data read as it starts
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
START_TIMEOUT_S = 60.0


def is_local(url: str) -> bool:
    """True for this machine's addresses, and for data: and blob: URLs, which have no host."""
    host = urlparse(url).hostname
    return host is None or host in LOCAL_HOSTS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(
    script: Path = SERVER,
    *app_args: str,
    cwd: Path = REPO,
    data_dir: Path | None = None,
    log_path: Path | None = None,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`streamlit run SCRIPT [-- APP_ARGS]` on a free 127.0.0.1 port; yields (base URL, process).

    $CLAIMMAP_DATA is set to `data_dir`, or removed so a developer's setting cannot leak in.
    Raises RuntimeError when the server exits or does not answer its health check in time; the
    process group is killed on exit.
    """
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    if app_args:
        cmd += ["--", *app_args]
    env = {k: v for k, v in os.environ.items() if k != DATA_ENV}
    if data_dir is not None:
        env[DATA_ENV] = str(data_dir)
    log = open(log_path, "w+b") if log_path else tempfile.TemporaryFile()
    server = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(server, url, log)
        yield url, server
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def _wait_until_healthy(server: subprocess.Popen, url: str, log: IO[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"streamlit exited with {server.returncode}:\n{log.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url}/_stcore/health did not answer within {START_TIMEOUT_S:.0f} s")
        time.sleep(0.2)  # polling a plain HTTP endpoint


def offline_route(blocked: list[str]) -> Callable[[Route], None]:
    """A Playwright route handler (sync API) that lets only local requests through and records
    the URLs it aborts in `blocked`: pages behave as on a machine with no internet."""

    def route(r: Route) -> None:
        if is_local(r.request.url):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    return route
