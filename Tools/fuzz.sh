#!/usr/bin/env bash
# Builds every fuzz product with libFuzzer and AddressSanitizer and runs each for a while.
#
#   Tools/fuzz.sh [--seconds N] [--only FuzzX]
#
# Seeds come from ../shared/vectors and Specs/ where they fit; a crash is written to
# fuzz-artifacts/<target>/ and makes the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."
. Tools/lib/environment.sh
ensure_swift

seconds=10
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) echo "usage: Tools/fuzz.sh [--seconds N] [--only FuzzX]" >&2; exit 2 ;;
  esac
done

targets=$(sed -n 's/^ *("\(Fuzz[A-Za-z0-9]*\)".*/\1/p' Package.swift)
[ -n "$only" ] && targets="$only"
scratch=.build-fuzz
shared=../shared/vectors

seed() { # target corpus-dir
  case "$1" in
    FuzzCapture)
      cp Tests/Vectors/str0m/*.pcap "$2"/
      [ -d "$shared" ] && find "$shared" -name '*.pcap*' -size -200k -exec cp {} "$2"/ \; 2>/dev/null || true ;;
    FuzzRFCText)
      # Small slices of the real texts keep each run fast.
      for f in ../shared/specs/rfc5769.txt ../shared/specs/rfc5705.txt ../shared/specs/nontxt/rfc8832.md; do
        [ -f "$f" ] && head -c 20000 "$f" > "$2/$(basename "$f")"
      done ;;
    FuzzCrypto)
      cp Tests/Vectors/certificates/*.der "$2"/ 2>/dev/null || true
      head -c 200 /dev/zero > "$2/zeros" ;;
    FuzzSTUN)
      cp Tests/Vectors/rfc5769/*.bin Tests/Vectors/aioice/*.bin Tests/Vectors/pion-stun/*.stun "$2"/ ;;
    FuzzSRTP)
      # The RFC 7714 §16.1 packet, protected and plain, behind each profile selector byte.
      printf '\x08\x80\x40\xf1\x7b\x80\x41\xf8\xd3\x55\x01\xa0\xb2\xf2\x4d\xe3\xa3\xfb\x34\xde\x6c\xac\xba\x86\x1c\x9d\x7e\x4b\xca\xbe\x63\x3b\xd5' > "$2/srtp-gcm"
      printf '\x00\x81\xc8\x00\x0d\x4d\x61\x72\x73\x4e\x54\x50\x31\x4e\x54\x50\x32\x52\x54\x50\x20\x00\x00\x04\x2a\x80\x00\x05\xd4' > "$2/srtcp"
      printf '\x81\x90\x60\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\xbe\xde\x00\x01\xee\xee\xee\xee\x01\x02\x03' > "$2/rtp-extension-mki" ;;
    FuzzDTLS)
      # A ClientHello record as browsers and OpenSSL send them (from the shared captures when present).
      printf '\x16\xfe\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x2f\x01\x00\x00\x23\x00\x00\x00\x00\x00\x00\x00\x23\xfe\xfd' > "$2/record" ;;
    FuzzTURN)
      printf '\x40\x00\x00\x03abc\x00' > "$2/channeldata"
      cp Tests/Vectors/rfc5769/sample_request.bin "$2"/ ;;
    FuzzICE)
      printf 'candidate:3442447574 1 udp 2122260223 192.168.1.5 54400 typ srflx raddr 10.0.0.1 rport 9 generation 0' > "$2/candidate"
      printf 'candidate:1 1 UDP 2130706431 10.0.0.2 5000 typ host' > "$2/host-candidate"
      cp Tests/Vectors/rfc5769/sample_request.bin Tests/Vectors/aioice/*.bin "$2"/ ;;
    FuzzSCTP)
      # Even first byte: one packet; odd: length-prefixed chunk lists for an established association.
      for f in Tests/Vectors/aiortc-sctp/*.bin; do { printf '\x00'; cat "$f"; } > "$2/$(basename "$f")"; done
      printf '\x01\x00\x14\x00\x00\x00\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x35hell' > "$2/association-data" ;;
    FuzzDataChannel)
      # A DATA_CHANNEL_OPEN (reliable, label "chat") and a DATA_CHANNEL_ACK, as RFC 8832 §5 lays them out.
      printf '\x03\x00\x01\x00\x00\x00\x00\x00\x00\x04\x00\x00chat' > "$2/open"
      printf '\x02' > "$2/ack"
      printf '\x00\x01\x00\x0c\x03\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x01\x02hi' > "$2/script" ;;
    FuzzSDP)
      cp Tests/Vectors/webrtc-rs-rtc-sdp/*.sdp "$2"/ ;;
    FuzzJSEP)
      cp Tests/Vectors/webrtc-rs-rtc-sdp/*.sdp "$2"/
      [ -f Tests/Vectors/jsep/aiortc-offer.sdp ] && cp Tests/Vectors/jsep/*.sdp "$2"/ ;;
    FuzzWire)
      [ -d "$shared/rfc5769" ] && cp "$shared"/rfc5769/* "$2"/ 2>/dev/null || true ;;
  esac
  printf 'seed' > "$2/minimal"
}

status=0
for target in $targets; do
  echo "== $target: building"
  swift build "${SPECRTC_TRAITS[@]}" --product "$target" --sanitize fuzzer --sanitize address --scratch-path "$scratch" 2>&1 | tail -1
  corpus=$(mktemp -d)
  seed "$target" "$corpus"
  mkdir -p "fuzz-artifacts/$target"
  echo "== $target: fuzzing for ${seconds}s"
  if ! SWIFT_BACKTRACE=enable=no "$scratch/debug/$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
       -rss_limit_mb=2048 -artifact_prefix="fuzz-artifacts/$target/" -print_final_stats=1 "$corpus" 2>&1 \
       | grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY|Done)' ; then
    :
  fi
  if ls "fuzz-artifacts/$target"/crash-* "fuzz-artifacts/$target"/leak-* "fuzz-artifacts/$target"/timeout-* >/dev/null 2>&1; then
    echo "!! $target found a failing input: $(ls fuzz-artifacts/$target)" >&2
    status=1
  fi
  rm -rf "$corpus"
done
exit $status
