#!/usr/bin/env bash
# Release-mode benchmarks: RTCCrypto beside OpenSSL (`openssl speed`), SRTP beside libsrtp2,
# both AES/GHASH and SHA paths; STUN decode/verify and encode per message; SCTP goodput;
# the whole peer connection (`specrtc bench`: set-up, throughput, memory) beside aiortc.
#   Tools/bench.sh [crypto|srtp|dtls|stun|sctp|peerconnection]
set -euo pipefail
cd "$(dirname "$0")/.."
. Tools/lib/environment.sh
ensure_swift
ensure_packages openssl libsrtp2-dev || echo "WARNING: openssl or libsrtp2 missing: their columns will say n/a" >&2
which="${1:-all}"
for product in CryptoBenchmarks SRTPBenchmarks DTLSBenchmarks STUNBenchmarks SCTPBenchmarks; do
  case "$which:$product" in all:*|crypto:CryptoBenchmarks|srtp:SRTPBenchmarks|dtls:DTLSBenchmarks|stun:STUNBenchmarks|sctp:SCTPBenchmarks) ;; *) continue ;; esac
  swift build -c release "${SPECRTC_TRAITS[@]}" --product "$product" 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
  ".build/release/$product"
done
if [ "$which" = all ] || [ "$which" = peerconnection ]; then
  ensure_interop_venv || echo "WARNING: no interop venv: aiortc's figures will be missing" >&2
  swift build -c release "${SPECRTC_TRAITS[@]}" --product specrtc 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
  .build/release/specrtc bench
fi
