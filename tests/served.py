"""Starting and always stopping `ilr-assistant serve` for the tests (and the benchmark).

The server runs as a real subprocess in its own process group, so that
stopping it also stops the app processes it started for each browser tab,
whatever state they are in. Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    """A port nothing listens on now (the kernel's pick; the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    url: str
    port: int
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}) before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.1)
    raise TimeoutError(f"the server did not answer {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the whole group (server and app children), then SIGKILL if it lingers."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # children left behind by a graceful exit, if any
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_TIMEOUT)


@contextlib.contextmanager
def running_server(log_dir: Path, args: Sequence[str] = (), port: int | None = None,
                   env: dict[str, str] | None = None) -> Iterator[Served]:
    """`ilr-assistant serve --port N ARGS` on a free port, answering, until the block ends."""
    port = port or free_port()
    log_path = log_dir / f"serve-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant.faces.cli", "serve", "--port", str(port), *args],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=log_dir,
            env={**os.environ, "COLUMNS": "200", **(env or {})}, start_new_session=True)
    served = Served(f"http://127.0.0.1:{port}", port, process, log_path)
    try:
        try:
            wait_until_up(served.url + "/", process)
        except Exception as exc:
            raise RuntimeError(f"{exc}; server log:\n{served.log()}") from None
        yield served
    finally:
        stop(process)
