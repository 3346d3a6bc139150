#!/usr/bin/env bash
# Installs everything the scribe needs on a fresh Debian machine; safe to run again (it skips what is done).
#   bash scripts/setup.sh          runtime only (the app)
#   bash scripts/setup.sh --dev    plus tests, lint, browser tests and the evaluation tools
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0; [ "${1:-}" = "--dev" ] && dev=1
PYTHON=${PYTHON:-python3}

apt_packages=()
# A Unicode font for printable PDFs (without it, PDF export refuses text outside Latin-1 with a message).
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || apt_packages+=(fonts-dejavu-core)
if [ "$dev" = 1 ]; then
  command -v pdftoppm >/dev/null || apt_packages+=(poppler-utils) # render exported PDFs to images for a look
  command -v chromium >/dev/null || apt_packages+=(chromium)       # browser tests (never a downloaded browser)
  command -v espeak-ng >/dev/null || apt_packages+=(espeak-ng)     # synthetic two-voice audio for diarization eval
  command -v sox >/dev/null || apt_packages+=(sox)
  # The store's tests run on Postgres too (scripts/postgres starts a throwaway server from these binaries).
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || apt_packages+=(postgresql)
fi
if [ ${#apt_packages[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "setup: installing Debian packages: ${apt_packages[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
req=requirements.txt; [ "$dev" = 1 ] && req=requirements-dev.txt
stamp=".venv/.installed-$(cat requirements*.txt | sha256sum | cut -c1-16)-$dev"
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages from $req (first run takes a few minutes)"
  # This machine's pip config names local mirror folders that may not exist; their warnings are noise.
  quiet() { "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
  quiet .venv/bin/python -m pip install -q --upgrade pip
  quiet .venv/bin/python -m pip install -q -r "$req"
  # Resemblyzer ships the speaker-embedding weights; its declared dependencies (torch, webrtcvad) are not
  # needed: the offline engine runs the network in numpy.
  quiet .venv/bin/python -m pip install -q --no-deps resemblyzer==0.1.4
  touch "$stamp"
fi
# The scribe itself, editable (the code stays in this folder): `.venv/bin/scribe` is `python -m scribe_core`.
if [ ! -x .venv/bin/scribe ]; then
  # setuptools explains editable installs at length on success; show its output only on failure.
  if ! out=$(.venv/bin/python -m pip install -q --no-deps -e . 2>&1); then echo "$out" >&2; exit 1; fi
fi
