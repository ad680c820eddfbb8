#!/usr/bin/env bash
# What the console's browser tests need: Debian's chromium (driven by Playwright) and
# axe-core (accessibility checks), fetched once into a git-ignored folder.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x /usr/bin/chromium ]]; then
    SUDO=""
    [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

AXE=.tmp/axe-core/node_modules/axe-core/axe.min.js
if [[ ! -f $AXE ]]; then
    mkdir -p .tmp/axe-core
    npm install --silent --no-audit --no-fund --prefix .tmp/axe-core axe-core@4.10.2
fi
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo missing); axe-core: $AXE"
