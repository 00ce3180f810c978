"""Fixtures for the browser tests: a dashboard server, Debian Chromium and an offline page.

Every page gets a route that lets through only requests to 127.0.0.1/localhost and aborts the
rest, so the tests run offline and prove that the map needs no CDN. A page also records the page's
JavaScript errors and any dialog (alert/confirm/prompt); the fixture fails the test at teardown
when one happened or when a blocked request was for a script or a stylesheet.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from claimmap.testing.localserver import CHROMIUM, CHROMIUM_ARGS, offline_route, streamlit_server
from fixture_data import BUNDLED_DATA

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def dashboard_server(*app_args: str, cwd: Path = REPO) -> Iterator[str]:
    """Run `streamlit run serve.py [-- APP_ARGS]` (the dashboard as scripts/run starts it) from
    `cwd` on the fixture data (a `--data` in APP_ARGS wins); yield its base URL."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    try:
        with streamlit_server(cwd / "serve.py", *app_args, cwd=cwd, data_dir=BUNDLED_DATA) as (url, _process):
            yield url
    except RuntimeError as err:
        pytest.fail(str(err))


@pytest.fixture(scope="session")
def start_server():
    """start_server(*app_args): a context manager running the dashboard, yielding its URL."""
    return dashboard_server


@pytest.fixture(scope="module")
def app_server() -> Iterator[str]:
    """The dashboard on the bundled data, shared by the tests of a module."""
    with dashboard_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class PageLog:
    """What happened on a page that the tests must not see (checked at teardown)."""

    blocked: list[str] = field(default_factory=list)  # URLs aborted for not being local
    js_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every request URL, in order

    def problems(self) -> list[str]:
        out = [f"JS error: {e}" for e in self.js_errors]
        out += [f"dialog opened: {d}" for d in self.dialogs]
        out += [
            f"blocked asset (a CDN dependency): {u}"
            for u in self.blocked
            if urlparse(u).path.lower().endswith((".js", ".css", ".mjs"))
        ]
        return out


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser, page_log: PageLog):
    """A fresh page (own context, 1400x1000) that may only talk to the local server."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    page = context.new_page()

    def on_dialog(d):
        page_log.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.route("**/*", offline_route(page_log.blocked))
    page.on("pageerror", lambda e: page_log.js_errors.append(str(e)))
    page.on("dialog", on_dialog)
    page.on("request", lambda r: page_log.requests.append(r.url))
    yield page
    problems = page_log.problems()
    context.close()
    if problems:
        pytest.fail("the page misbehaved:\n" + "\n".join(problems))
