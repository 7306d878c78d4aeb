#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtual environment outside the checkout, and use it
# from a temporary directory: what `pip install .` / `pipx install .` users get must start.
# Usage: scripts/check_wheel.sh [PYTHON]   (make check-wheel)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
python="${1:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$python" -m pip wheel --quiet --no-deps -w "$work/dist" "$here" 2>&1 | grep -v "WARNING: Location" || true
wheel="$(ls "$work"/dist/*.whl)"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet -c "$here/constraints.txt" "$wheel" 2>&1 | grep -v "WARNING: Location" || true
cp "$here/tests/fixtures/forum/becks-original.xml" "$work/example.xml"
cd "$work"
bin="$work/venv/bin"

fail() { echo "check-wheel: $*" >&2; exit 1; }
"$bin/ilr-assistant" --help >/dev/null || fail "--help failed"
"$bin/ilr-assistant" explain "Outcome 8" | grep -qi "learning activities are complete" || fail "explain 'Outcome 8' did not explain it"
"$bin/ilr-assistant" lint | grep -q "consistent" || fail "lint did not pass on the shipped knowledge"
set +e
"$bin/ilr-assistant" diagnose example.xml --format json >diagnosis.json
status=$?
set -e
[ "$status" -eq 1 ] || fail "diagnose on the example exited $status, expected 1 (findings)"
grep -q '"CompStatus"' diagnosis.json || fail "diagnose proposed no CompStatus change on the forum M2 case"
"$bin/python" - <<'PY' || fail "the TUI did not start and quit headless"
import asyncio
from assistant.faces.tui.app import AssistantApp

async def main() -> None:
    app = AssistantApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert app.return_code in (0, None), app.return_code

asyncio.run(main())
PY
"$bin/python" - <<'PY' || fail "serve did not answer with its page and assets"
# ilr-assistant serve from the wheel: the page template and its assets are package data.
import os, signal, socket, subprocess, sys, time, urllib.request

with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
server = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "ilr-assistant"), "serve", "--port", str(port)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
try:
    deadline, page = time.monotonic() + 30, ""
    while time.monotonic() < deadline and not page:
        try:
            page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read().decode()
        except OSError:
            time.sleep(0.2)
    assert 'id="terminal"' in page, "no page"
    for asset in ("assets/page.js", "assets/page.css", "static/js/textual.js"):
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/{asset}", timeout=5).status == 200, asset
finally:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
PY
case "$("$bin/python" -c 'import assistant, sys; print(assistant.__file__)')" in
  "$here"/*) fail "the installed package was imported from the checkout" ;;
esac
echo "check-wheel: the wheel installs and runs outside the checkout (help, explain, lint, diagnose, TUI, serve)"
