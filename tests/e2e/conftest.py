"""Browser tests: pytest-playwright driving the Debian Chromium against pytest-django's live_server.

Playwright cannot download its own browser on our machines, so the session launches /usr/bin/chromium.
Without it the tests skip, unless REQUIRE_INTEGRATION=1 (make test, CI), where a missing browser fails.
"""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Screenshots are for people to look at, so they go where `make run`'s files are: .run/screenshots/.
# It is the one folder of .run/ a test may write; make test's check of the local site leaves it out.
SCREENSHOTS = Path(os.environ.get("TEST_SCREENSHOTS", ROOT / ".run" / "screenshots"))
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def skip_or_fail(reason):
    """Skip with `reason`, or fail when REQUIRE_INTEGRATION=1 says the browser must be there."""
    if os.environ.get("REQUIRE_INTEGRATION") == "1":
        pytest.fail(f"{reason} (REQUIRE_INTEGRATION=1: browser tests may not be skipped)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _django_orm_beside_playwright():
    # Playwright's sync API keeps an event loop in the main thread; without this Django refuses ORM calls there.
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if saved is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, plus the system Chromium and the flags it needs here."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        skip_or_fail(f"{CHROMIUM} is missing: install it with apt-get install -y --no-install-recommends chromium")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture
def screenshot(page, request):
    """screenshot("02-dashboard") saves .run/screenshots/<test>-02-dashboard-<width>.png; returns its path.

    screenshot("my-data", page_name=True) names the file by the page alone: my-data-<width>.png.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(step, page_name=False):
        width = (page.viewport_size or {}).get("width", 0)
        stem = step if page_name else f"{request.node.originalname}-{step}"
        path = SCREENSHOTS / f"{stem}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 0, path
        return path

    return take
