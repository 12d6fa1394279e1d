"""Real-browser tests: Debian's Chromium driven by Playwright for Python, started in one way for every such test.

`playwright install` is not used: the browser is the system's (`make browser` installs it). The tests read the
database synchronously while Playwright's sync API runs an event loop in the same thread, hence
DJANGO_ALLOW_ASYNC_UNSAFE; the queries made meanwhile use their own connection, which is closed afterwards, or the
test database could not be dropped at the end of the run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 20_000  # what a page action or wait may take before the test fails


@contextlib.contextmanager
def chromium(monkeypatch) -> Iterator:
    """A headless Chromium for one test, closed with the connections its queries opened."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()


@contextlib.contextmanager
def live_context(monkeypatch, live_server, **options) -> Iterator:
    """A browser context on the live server (`options` as Playwright's new_context takes them: viewport, locale).

    The context is closed with the browser (`chromium`), which ends its process: closing the context first once waited
    on a page that never closed until the test's timeout, with the test itself passed.
    """
    with chromium(monkeypatch) as browser:
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        yield context
