#!/usr/bin/env bash
# Run the test suite (browser journeys aside) with the process clock moved to MOMENT.
#
#   scripts/test-at.sh MOMENT [pytest arguments...]
#   scripts/test-at.sh "2026-12-31 23:45 Europe/Stockholm" tests/followup
#
# MOMENT is anything `date -d` reads; a zone name at the end is the wall clock of that
# zone ("2027-03-28 01:59 Europe/Stockholm" is a minute before the clocks change).
# The clock is moved by time-machine (tests/clock/sitecustomize.py) in pytest and in every
# Python process it starts, by a fixed shift: time runs on from MOMENT, so a run that
# starts at 23:45 on 31 December crosses midnight if it lasts long enough. PostgreSQL,
# Redis and monotonic clocks keep real time; the application asks Python's clock only.
# (libfaketime was tried: Debian's 0.9.10 makes Python 3.13's sleeps and timed waits
# fail or hang.)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ $# -lt 1 ]; then
    echo "usage: scripts/test-at.sh MOMENT [pytest arguments...]" >&2
    exit 2
fi
moment="$1"
shift

# "<wall clock> <Zone/Name>" -> the instant, read in that zone.
zone="${moment##* }"
wall="$moment"
if [[ "$zone" == */* ]]; then
    wall="${moment% *}"
    target="$(TZ="$zone" date -d "$wall" +%s)"
else
    target="$(date -d "$moment" +%s)"
fi
offset=$((target - $(date +%s)))
echo "Clock moved to $(TZ=Europe/Stockholm date -d "@$target" '+%Y-%m-%d %H:%M:%S %Z') (Stockholm) = $(date -u -d "@$target" '+%Y-%m-%d %H:%M:%S UTC'), offset ${offset}s."

# tests/clock/sitecustomize.py moves the clock of pytest and of every Python process it
# starts (Celery workers, management commands) by the same shift.
# The test settings as `make test` has them: the embedded default is a development set-up.
export DEBUG="${DEBUG:-true}"
export TEST_CLOCK_SHIFT="$offset"
export TEST_CLOCK_MOMENT="$target"
export PYTHONPATH="$PWD/tests/clock${PYTHONPATH:+:$PYTHONPATH}"

# In JOBS processes (scripts/pytest-jobs.sh); each worker inherits the moved clock.
mapfile -t jobs < <(scripts/pytest-jobs.sh)
exec .venv/bin/pytest "${jobs[@]}" -m "not e2e and not fixed_clock" -p no:cacheprovider "$@"
