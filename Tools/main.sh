#!/usr/bin/env bash
# SpecRTC's main job: a WebRTC data call between two SpecRTC peers on 127.0.0.1 (ICE, DTLS,
# SCTP, data channels), printed step by step with the section each step follows, then a summary;
# and the conformance matrix (Conformance/report.html) that says which requirement is proven where.
set -euo pipefail
cd "$(dirname "$0")/.."
. Tools/lib/environment.sh
ensure_swift
ensure_packages "${SPECRTC_BUILD_PACKAGES[@]}"
swift build -c release "${SPECRTC_TRAITS[@]}" --product specrtc 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
swift build -c release "${SPECRTC_TRAITS[@]}" --product specrtc >/dev/null
.build/release/specrtc loopback "$@"
echo
.build/release/specrtc matrix
echo "Report: file://$(pwd)/Conformance/report.html  (also Conformance/MATRIX.md)"
