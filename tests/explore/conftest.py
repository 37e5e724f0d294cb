"""What every explorer test needs: to run outside any event loop, as a plain script would."""

import asyncio

import pytest


@pytest.fixture(autouse=True)
def no_running_loop():
    """Run each test outside any event loop.

    Another test in the same pytest process (the browser tests drive Playwright's
    sync API) can leave an event loop marked as running in this thread; an
    explorer would then defer its renders to a loop that never turns.
    """
    leftover = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        yield
    finally:
        asyncio.events._set_running_loop(leftover)
