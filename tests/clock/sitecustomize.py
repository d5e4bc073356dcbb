"""Moves this process's clock when TEST_CLOCK_SHIFT is set (scripts/test-at.sh).

Python imports ``sitecustomize`` at start-up from the path; scripts/test-at.sh puts this
folder on PYTHONPATH, so pytest and every Python process it starts (Celery workers, the
management commands the fault tests run) share one moved clock: real time plus
TEST_CLOCK_SHIFT seconds, ticking on. Monotonic clocks (timeouts) are not moved.
Only the test runs use it; the application never imports it.
"""

import os

_shift = os.environ.get("TEST_CLOCK_SHIFT")
if _shift:
    import time

    import time_machine

    time_machine.travel(time.time() + float(_shift), tick=True).start()
