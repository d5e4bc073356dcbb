"""Load from a second process: wrk against the bench's gunicorn on loopback.

wrk, not locust: one C process with a few threads drives 50 connections while
using a fraction of a core, so on a two-core machine the app gets the CPU, and its
latency histogram is exact. Its Lua scripts (bench/wrk/) give each request its
own session cookie and CSRF token and follow the version an htmx save answers with.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

WRK_DIR = Path(__file__).resolve().parent / "wrk"
THREADS = 2


def ensure_program(program: str, package: str, hint: str) -> str:
    """``program``'s path; installs Debian's ``package`` when missing and running as root."""
    if path := shutil.which(program):
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing {program} (apt-get install {package})")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package]
        if subprocess.run(install, env=env, check=False).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
            subprocess.run(install, env=env, check=True)
        if path := shutil.which(program):
            return path
    raise SystemExit(f"make bench needs {program}: {hint}, then run make bench again.")


def ensure_wrk() -> str:
    return ensure_program(
        "wrk",
        "wrk",
        "install it with `sudo apt-get install wrk` (Debian/Ubuntu) or `brew install wrk`",
    )


def wrk_version() -> str:
    out = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).split(" [", 1)[0].removeprefix("wrk ").strip()


def run_wrk(
    url: str,
    *,
    script: str = "page.lua",
    seconds: float,
    connections: int,
    headers: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
) -> dict:
    """Run wrk; returns the JSON its script prints, with requests per second added."""
    command = [
        "wrk",
        f"--threads={THREADS}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=30s",
        f"--script={WRK_DIR / script}",
    ]
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    command.append(url)
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "BENCH_THREADS": str(THREADS), **(env or {})},
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no figures:\n{result.stdout}\n{result.stderr}")
    figures = json.loads(line.removeprefix("BENCH_JSON "))
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def to_lua(value) -> str:
    """A Lua literal of plain data (dicts with identifier keys, lists, ASCII strings)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {to_lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "{" + ", ".join(to_lua(v) for v in value) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = json.dumps(str(value), ensure_ascii=True)
    if "\\u" in text:
        raise ValueError(f"not ASCII: {value!r}")
    return text
