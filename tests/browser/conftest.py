"""Browser tests: a real Chromium (Debian's package) driven by Playwright.

Browsers cannot be downloaded here, so Playwright launches the system
Chromium through `executable_path` (CHROMIUM_PATH overrides it). Screenshots
land in artifacts/screenshots/, which git ignores.
"""

import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Flags that keep a headless Chromium quiet on a machine without outside network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path:
        pytest.fail("Chromium not found: install Debian's `chromium` or set CHROMIUM_PATH")
    return path


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an event loop in this thread; Django's ORM refuses
    # synchronous queries there unless told that the test thread is safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="pl-PL")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, name): save a full-page PNG for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return take


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe-core with the WCAG 2.1 A and AA rules; fail listing every violation."""

    def check(page):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        violations = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
            for v in results.response["violations"]
        ]
        assert violations == [], f"{page.url}:\n" + "\n".join(violations)

    return check
