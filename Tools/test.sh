#!/usr/bin/env bash
# The whole test suite, as CI runs it:
#   1. installs what the tests need when it is missing;
#   2. builds and runs every test (Swift Testing), writing xunit results;
#   3. checks the command line's error handling on bad input;
#   4. checks that the committed conformance matrix matches the tree and these results.
#
#   Tools/test.sh                  # check (what CI does)
#   Tools/test.sh --update-matrix  # refresh Conformance/ instead of checking it
set -euo pipefail
cd "$(dirname "$0")/.."
. Tools/lib/environment.sh

update=0
[ "${1:-}" = "--update-matrix" ] && update=1

ensure_swift
ensure_packages "${SPECRTC_BUILD_PACKAGES[@]}"
# Interop peers: without them the tests that need them say so loudly and are skipped.
ensure_packages "${SPECRTC_TEST_PACKAGES[@]}" ||
  echo "WARNING: could not install ${SPECRTC_TEST_PACKAGES[*]}; the tests that need them will be skipped" >&2
# The Python interop peers (aioice) run from .build-venv/ and are found through SPECRTC_PYTHON.
ensure_interop_venv ||
  echo "WARNING: could not make the interop venv (.build-venv/ with aioice); the tests that need it will be skipped" >&2

results=.build/test-results
mkdir -p "$results"
rm -f "$results"/xunit*.xml

echo "== build"
# The Accelerated trait adds the AES-NI/PCLMULQDQ path; the tests run both paths.
swift build "${SPECRTC_TRAITS[@]}" --build-tests 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
swift build "${SPECRTC_TRAITS[@]}" --build-tests >/dev/null   # fail here, with the status, if the build failed

if [ $update -eq 1 ]; then
  # Citations may have moved: refresh the matrix from the recorded results first, so the
  # freshness test inside the suite sees the tree as it is.
  .build/debug/specrtc matrix >/dev/null
fi

# Two runs. The tests that talk to real peers (aiortc, aioice, OpenSSL, coturn, tshark) or to
# our own sockets run second, apart: Swift Testing runs tests in parallel on a cooperative pool
# with one thread per core, and the CPU-bound simulations of the first run could hold both
# threads for a minute and more, while a peer process keeps wall-clock deadlines of its own
# (aiortc gave up waiting for an offer we were too starved to send).
wall_clock='InteropTests|LoopbackCallTests|TsharkDecryptionTests|Coturn[A-Za-z0-9]*Tests'
echo "== tests (in memory)"
swift test "${SPECRTC_TRAITS[@]}" --skip-build --skip "$wall_clock" --xunit-output "$results/xunit.xml"
echo "== tests (sockets and peer processes)"
swift test "${SPECRTC_TRAITS[@]}" --skip-build --filter "$wall_clock" --xunit-output "$results/xunit-peers.xml"

echo "== command line on bad input"
cli=.build/debug/specrtc
expect_failure() { # description, expected text, command...
  local what="$1" text="$2"; shift 2
  local output status=0
  output=$("$@" 2>&1) || status=$?
  if [ $status -eq 0 ] || ! grep -qF -- "$text" <<<"$output"; then
    echo "FAIL: $what: exit $status, output: $output" >&2
    exit 1
  fi
  echo "ok: $what"
}
expect_failure "missing capture file" "no such file: /nonexistent/x.pcap" $cli explain /nonexistent/x.pcap
expect_failure "malformed hex" "'z' is not a hex digit" $cli explain 00zz
expect_failure "unknown subcommand" "Unexpected argument" $cli frobnicate
expect_failure "missing RFC directory" "RFC text directory not found" $cli specs extract --specs /nonexistent
expect_failure "offer without an answer" "no remote description in /nonexistent/answer.sdp" $cli offer --local /dev/null --remote /nonexistent/answer.sdp --timeout 1
expect_failure "answer to a malformed offer" "malformed SDP" $cli answer --remote Tools/test.sh --local /dev/null --timeout 1
echo "== the main job: a loopback call (debug build, small)"
$cli loopback --messages 60 --megabytes 2 --quiet
expect_failure "matrix of a tree without Specs" "cannot list directory" $cli matrix --root /nonexistent
tmp=$(mktemp -d)
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00' > "$tmp/cut.pcap"
expect_failure "truncated capture" "cut.pcap: record 0" $cli explain "$tmp/cut.pcap"
rm -rf "$tmp"

echo "== command line on good input"
stun=$(od -An -tx1 -v Tests/Vectors/rfc5769/sample_ipv4_response.bin | tr -d ' \n')
if $cli explain "$stun" | grep -qF "XOR-MAPPED-ADDRESS: 192.0.2.1:32853  [36..<48] RFC 8489 §14.2"; then
  echo "ok: explain decodes a STUN response"
else
  echo "FAIL: explain did not decode the RFC 5769 response" >&2; exit 1
fi
if $cli explain Tests/Vectors/str0m/vp8.pcap | tail -1 | grep -qF "104 packets: 104 RTP"; then
  echo "ok: explain reads a pcap"
else
  echo "FAIL: explain did not read the VP8 capture" >&2; exit 1
fi

echo "== conformance matrix"
result_files=()
for f in "$results"/xunit.xml "$results"/xunit-swift-testing.xml "$results"/xunit-peers.xml "$results"/xunit-peers-swift-testing.xml; do
  [ -f "$f" ] && result_files+=(--results "$f")
done
if [ $update -eq 1 ]; then
  $cli matrix "${result_files[@]}"
else
  $cli matrix "${result_files[@]}" --check
fi
