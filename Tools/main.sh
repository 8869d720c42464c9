#!/usr/bin/env bash
# SpecRTC's main job today: build the tool and write the conformance matrix, then say where
# the report is. (When the PeerConnection lands, this becomes the loopback call.)
set -euo pipefail
cd "$(dirname "$0")/.."
. Tools/lib/environment.sh
ensure_swift
ensure_packages "${SPECRTC_BUILD_PACKAGES[@]}"
swift build -c release "${SPECRTC_TRAITS[@]}" --product specrtc 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
swift build -c release "${SPECRTC_TRAITS[@]}" --product specrtc >/dev/null
.build/release/specrtc matrix
echo "Report: file://$(pwd)/Conformance/report.html  (also Conformance/MATRIX.md)"
