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

# The Debian packages the build and the tests need today. The protocol issues add theirs
# (libsrtp2-dev, openssl, coturn, tshark, the codec libraries).
SPECRTC_BUILD_PACKAGES=()
# openssl: X.509 checks and the DTLS interop peer; libsrtp2-dev: the SRTP reference (headers at
# build time); tshark: decrypts captures of our DTLS with our key log; coturn: the TURN server.
SPECRTC_TEST_PACKAGES=(openssl libsrtp2-dev tshark coturn)

# The Accelerated trait (AES-NI, PCLMULQDQ kernels) exists for x86-64 only.
if [ "$(uname -m)" = "x86_64" ]; then SPECRTC_TRAITS=(--traits Accelerated); else SPECRTC_TRAITS=(); fi
