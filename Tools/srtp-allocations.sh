#!/usr/bin/env bash
# Counts heap allocations per SRTP packet in steady state: runs the benchmark's allocation
# probe with 1,000 and 101,000 packets under a uprobe on malloc and prints the difference per
# packet (0 means none). Needs root and perf.   Tools/srtp-allocations.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. Tools/lib/environment.sh
ensure_swift
swift build -c release "${SPECRTC_TRAITS[@]}" --product SRTPBenchmarks 2>&1 | grep -E 'error|Compiling|Build' | tail -1
libc=$(ldd .build/release/SRTPBenchmarks | awk '$1 ~ /^libc\.so/ {print $3}')
perf probe -q -x "$libc" malloc 2>/dev/null || true
count() {
  perf stat -x, -e probe_libc:malloc .build/release/SRTPBenchmarks --allocation-probe "$1" 2>&1 >/dev/null | awk -F, '/probe_libc:malloc/ {print $1}'
}
small=$(count 1000)
large=$(count 101000)
perf probe -q -d probe_libc:malloc 2>/dev/null || true
echo "malloc calls: $small for 2 x 1,000 packets, $large for 2 x 101,000 packets"
echo "allocations per packet (protect + unprotect, AES-CM-80 and AEAD-GCM): $(awk -v a="$small" -v b="$large" 'BEGIN { printf "%.4f", (b - a) / 200000 }')"
