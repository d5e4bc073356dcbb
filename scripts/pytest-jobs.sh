#!/usr/bin/env bash
# The arguments that run the suite in JOBS processes (pytest-xdist), printed for the
# caller's pytest command line: `make test` and scripts/test-at.sh.
#
# JOBS defaults to the machine's cores, at most 2 (the suite's heavier tests start
# Celery workers, Chromium and servers of their own); JOBS=1 runs in one process.
# Each process gets a test database of its own (pytest-django adds _gw0, _gw1 …) and,
# when REDIS_URL is set, a Redis database of its own: worker N uses the database
# number of REDIS_URL minus N (REDIS_DB, which config/settings.py puts in REDIS_URL, and
# which the Celery workers and commands a test starts inherit), so no process takes
# another's tasks or reads its cache. Test files stay whole on one process (--dist loadfile):
# their module fixtures (servers, data) are built once.
set -euo pipefail
jobs="${JOBS:-$(nproc 2>/dev/null || echo 1)}"
if [ "$jobs" -gt 2 ] && [ -z "${JOBS:-}" ]; then jobs=2; fi
if [ "$jobs" -le 1 ]; then
    exit 0
fi
args=(--dist loadfile)
if [ -n "${REDIS_URL:-}" ]; then
    db="${REDIS_URL##*/}"
    if ! [[ "$db" =~ ^[0-9]+$ ]] || [ "$db" -lt $((jobs - 1)) ]; then
        echo "scripts/pytest-jobs.sh: REDIS_URL must end in a database number >= $((jobs - 1)) (got '$REDIS_URL')" >&2
        exit 2
    fi
    for ((i = 0; i < jobs; i++)); do
        args+=(--tx "popen//env:REDIS_DB=$((db - i))")
    done
else
    args+=(-n "$jobs")
fi
printf '%s\n' "${args[@]}"
