import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Public DfE/ESFA sample ILR files, copied in with their sources (tests/data/samples/SOURCES.md).
SAMPLES = ROOT / "tests" / "data" / "samples"
#: The public XSDs the tool ships (knowledge/schemas/SOURCES.md).
SCHEMAS = ROOT / "knowledge" / "schemas"
sys.path.insert(0, str(ROOT))


import contextlib
import signal


@contextlib.contextmanager
def alarm_after(seconds: float, error: type[BaseException], message: str):
    """Raise ``error(message)`` in the test if it is still running after ``seconds`` (SIGALRM)."""
    def expire(signum, frame):
        raise error(message)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "slow: long property runs (20,000 mutants); run with ILR_SLOW=1 or -m slow")


def pytest_collection_modifyitems(config, items) -> None:
    """Slow runs are opt-in: ILR_SLOW=1, or a -m expression that names them."""
    import os

    import pytest

    if os.environ.get("ILR_SLOW") or "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="slow: set ILR_SLOW=1 or use -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
