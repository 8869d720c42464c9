#!/usr/bin/env bash
# Self-test of the aiortc interop peer (aiortc_peer.py against itself, over 127.0.0.1): makes the
# interop venv if needed (ensure_interop_venv, aiortc pinned), then runs aiortc_selftest.py, which
# prints "N passed, M failed" and exits non-zero on a failure. Arguments go to it (--verbose).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/environment.sh"
ensure_interop_venv
exec "$SPECRTC_PYTHON" "$here/aiortc_selftest.py" "$@"
