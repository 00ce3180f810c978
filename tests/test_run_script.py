"""scripts/run and the shipped Streamlit config: safe by default, a network only when asked."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from claimmap.testing.localserver import free_port

REPO = Path(__file__).resolve().parents[1]


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a listening TCP socket on `port`, from /proc/net/tcp{,6}."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


@pytest.mark.parametrize(
    "args, addresses",
    [([], {"0100007F"}), (["--network"], {"00000000"})],  # 127.0.0.1, 0.0.0.0 (little-endian hex)
    ids=["default-local", "network"],
)
def test_scripts_run_listens_on_this_machine_unless_asked(args: list[str], addresses: set[str]):
    port = free_port()
    env = {**os.environ, "STREAMLIT_SERVER_PORT": str(port), "STREAMLIT_SERVER_HEADLESS": "true"}
    server = subprocess.Popen(
        [str(REPO / "scripts" / "run"), *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not listening_addresses(port):
            assert server.poll() is None and time.monotonic() < deadline, "the app did not start"
            time.sleep(0.5)
        assert listening_addresses(port) == addresses
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as answer:
            assert answer.read() == b"ok"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def test_the_shipped_config_hides_error_details_and_listens_locally():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"  # False would still show the traceback
    assert config["server"]["address"] == "127.0.0.1"
