#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Creates, or reuses when it already holds the pinned packages, the virtualenv that runs op.py (idpyoidc behind
# Flask), rp_smoke.py and the browser tests' Selenium (requirements-browser.txt), and prints the path of its
# python on stdout (the only thing printed there).
#
#   PY="$(bash Tests/FlowsTests/Provider/setup_venv.sh)"
#
# Where: $OIDC_TEST_VENV, else $HOME/.cache/swift-oidc-test-venv. Which interpreter builds it: $PYTHON, else
# python3. Needs nothing from the network but PyPI, and nothing at all when the virtualenv is already complete.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
requirements="$here/requirements.txt"
# Selenium for the headless-Chromium tests, installed into the same virtualenv.
browser_requirements="$here/requirements-browser.txt"
venv="${OIDC_TEST_VENV:-${HOME:-/root}/.cache/swift-oidc-test-venv}"
python="${PYTHON:-python3}"

log() { echo "setup_venv.sh: $*" >&2; }

# True when every pinned distribution is installed in the virtualenv at exactly its pinned version.
complete() {
    [ -x "$venv/bin/python" ] || return 1
    "$venv/bin/python" - "$requirements" "$browser_requirements" <<'PY' >/dev/null 2>&1
import sys
from importlib.metadata import PackageNotFoundError, version

wrong = []
lines = [line for path in sys.argv[1:] for line in open(path, encoding="utf-8")]
for line in lines:
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, _, pinned = line.partition("==")
    try:
        if version(name.strip()) != pinned.strip():
            wrong.append(line)
    except PackageNotFoundError:
        wrong.append(line)
sys.exit(1 if wrong else 0)
PY
}

mkdir -p "$(dirname "$venv")"
# Several test processes may call this at once: one builds, the others wait and then reuse.
exec 9>"$venv.lock"
if command -v flock >/dev/null 2>&1; then
    flock 9
fi

if complete; then
    echo "$venv/bin/python"
    exit 0
fi

if [ -e "$venv" ] && [ ! -x "$venv/bin/python" ]; then
    if [ -f "$venv/pyvenv.cfg" ]; then
        log "removing the broken virtualenv at $venv"
        rm -rf "$venv"
    else
        log "$venv exists and is not a virtualenv; set OIDC_TEST_VENV to another path"
        exit 1
    fi
fi

if [ ! -x "$venv/bin/python" ]; then
    log "creating a virtualenv at $venv with $("$python" --version 2>&1)"
    if ! "$python" -m venv "$venv" >&2; then
        # Debian's own python3 keeps the venv module (ensurepip) in a package of its own.
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            log "installing python3-venv"
            rm -rf "$venv"
            apt-get update >&2
            DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv >&2
            "$python" -m venv "$venv" >&2
        else
            log "'$python -m venv' failed; install python3-venv"
            exit 1
        fi
    fi
fi

log "installing $requirements and $browser_requirements"
"$venv/bin/python" -m pip install --disable-pip-version-check --no-input --quiet -r "$requirements" \
    -r "$browser_requirements" >&2

if ! complete; then
    log "the virtualenv at $venv still lacks a pinned version after pip install"
    exit 1
fi
echo "$venv/bin/python"
