#!/usr/bin/env bash
# What the scaled run (make run-scaled) and its tests (tests/scaled) need in front of the Rasa
# replicas: Debian's nginx. frontdoor/scaled.py runs it as a child process with its own prefix
# and configuration (deploy/nginx/), never as the system's service.
set -euo pipefail

if [[ ! -x /usr/sbin/nginx ]]; then
    SUDO=""
    [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends nginx >/dev/null
fi
echo "nginx: $(/usr/sbin/nginx -v 2>&1)"
