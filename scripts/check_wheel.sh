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
case "$("$bin/python" -c 'import assistant, sys; print(assistant.__file__)')" in
  "$here"/*) fail "the installed package was imported from the checkout" ;;
esac
echo "check-wheel: the wheel installs and runs outside the checkout (help, explain, lint, diagnose, TUI)"
