# Shared set-up for the scripts under Tools/: finds Swift and installs missing Debian packages.
# Source it: `. Tools/lib/environment.sh`.

# Swift: on PATH, or where this project's machines keep it.
ensure_swift() {
  if ! command -v swift >/dev/null 2>&1; then
    for dir in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
      [ -x "$dir/swift" ] && export PATH="$dir:$PATH" && break
    done
  fi
  if ! command -v swift >/dev/null 2>&1; then
    echo "error: Swift 6 is not installed (looked on PATH and in /opt/swift/usr/bin); install it from swift.org" >&2
    exit 1
  fi
}

# ensure_packages PKG...: installs the Debian packages that are missing (apt-get update first,
# since a fresh machine has no package lists). Uses sudo when not root. Returns non-zero when
# they cannot be installed (no privileges, no network), so callers decide whether that is fatal.
ensure_packages() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "cannot install ${missing[*]}: not root and no sudo" >&2; return 1; }
    sudo="sudo"
  fi
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The aioice version the ICE interop peer (Tools/Interop/aioice_peer.py) is written and tested against.
SPECRTC_AIOICE_VERSION=0.13.0
# The aiortc version the WebRTC interop peer and benchmark (Tools/Interop/aiortc_peer.py,
# aiortc_bench.py) are written and tested against. It brings av, cryptography, pylibsrtp,
# pyopenssl and google-crc32c, all as binary wheels (manylinux, x86-64 and aarch64) for Debian's
# python3: no compiler nor -dev package is needed.
SPECRTC_AIORTC_VERSION=1.16.0

# ensure_interop_venv: makes the Python virtual environment of the interop peers, .build-venv/ at
# the repository root (ignored by git through `.build*/`), with aioice pinned to
# SPECRTC_AIOICE_VERSION and aiortc to SPECRTC_AIORTC_VERSION, and exports
# SPECRTC_PYTHON=<repo>/.build-venv/bin/python. A no-op when the venv already has that aioice and
# that aiortc. Returns non-zero, with the reason on stderr, when it cannot (no python3 or venv
# module, PyPI out of reach), so callers decide whether that is fatal; the tests that need the
# peers skip loudly when SPECRTC_PYTHON is unset.
ensure_interop_venv() {
  local root venv python requirement
  local requirements=("aioice==$SPECRTC_AIOICE_VERSION" "aiortc==$SPECRTC_AIORTC_VERSION")
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd) || return 1
  venv="$root/.build-venv"
  python="$venv/bin/python"
  requirement="${requirements[*]}"
  local check="import importlib.metadata as m, aioice, aiortc, sys; sys.exit(m.version('aioice') != '$SPECRTC_AIOICE_VERSION' or m.version('aiortc') != '$SPECRTC_AIORTC_VERSION')"
  if [ -x "$python" ] && "$python" -c "$check" >/dev/null 2>&1; then
    export SPECRTC_PYTHON="$python"
    return 0
  fi
  # Debian's python3 has the venv module (and its ensurepip) in a package of its own.
  ensure_packages python3 python3-venv ||
    echo "warning: could not install python3 and python3-venv; trying the python3 there is" >&2
  local base
  base=$(command -v python3) || { echo "cannot make $venv: python3 not found" >&2; return 1; }
  # A venv whose interpreter no longer runs (its base python was removed) is made anew.
  local clear=()
  if [ -d "$venv" ] && ! "$python" -c "" >/dev/null 2>&1; then clear=(--clear); fi
  echo "Making the interop venv $venv with $requirement"
  "$base" -m venv "${clear[@]}" "$venv" >&2 ||
    { echo "cannot make $venv: '$base -m venv' failed (is python3-venv installed?)" >&2; return 1; }
  # --prefer-binary: aiortc's dependencies are not pinned; should their newest release have no
  # wheel for this python yet, an older one with a wheel beats building it (av needs FFmpeg's
  # headers, cryptography a Rust toolchain).
  "$python" -m pip install --quiet --disable-pip-version-check --prefer-binary "${requirements[@]}" >&2 ||
    { echo "cannot install $requirement into $venv (is PyPI reachable?)" >&2; return 1; }
  "$python" -c "$check" >&2 ||
    { echo "$venv has no importable $requirement after installing it" >&2; return 1; }
  export SPECRTC_PYTHON="$python"
}

# The Debian packages the build and the tests need today. The protocol issues add theirs
# (libsrtp2-dev, openssl, coturn, tshark, the codec libraries).
SPECRTC_BUILD_PACKAGES=()
# openssl: X.509 checks and the DTLS interop peer; libsrtp2-dev: the SRTP reference (headers at
# build time); tshark: decrypts captures of our DTLS with our key log; coturn: the TURN server.
SPECRTC_TEST_PACKAGES=(openssl libsrtp2-dev tshark coturn)

# The Accelerated trait (AES-NI, PCLMULQDQ kernels) exists for x86-64 only.
if [ "$(uname -m)" = "x86_64" ]; then SPECRTC_TRAITS=(--traits Accelerated); else SPECRTC_TRAITS=(); fi
