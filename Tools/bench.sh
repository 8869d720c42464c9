#!/usr/bin/env bash
# Release-mode benchmarks beside OpenSSL (`openssl speed`), both AES/GHASH paths.
set -euo pipefail
cd "$(dirname "$0")/.."
. Tools/lib/environment.sh
ensure_swift
ensure_packages openssl || echo "WARNING: openssl missing: the OpenSSL column will say n/a" >&2
swift build -c release "${SPECRTC_TRAITS[@]}" --product CryptoBenchmarks 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
.build/release/CryptoBenchmarks
