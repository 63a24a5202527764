#!/usr/bin/env bash
# Installs the system packages Nashra needs on Debian/Ubuntu, when they are missing.
# With --test, also what the test suite needs: headless Chromium and Arabic fonts for the browser test, and
# promtool (Debian's prometheus package) for the alert rules' tests, PostgreSQL for the PostgreSQL store's tests, and
# gdb for the stacks of a test run that is stuck.
set -euo pipefail
packages=(rabbitmq-server librabbitmq-dev libcurl4-openssl-dev libsqlite3-dev libxml2-dev zlib1g-dev pkg-config)
[ "${1:-}" = "--test" ] && packages+=(chromium fonts-noto-core prometheus python3 postgresql gdb)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" > /dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    echo "installing: ${missing[*]}"
    # apt's own chatter (debconf, invoke-rc.d, cluster creation) goes to a log, shown only when it fails.
    log=$(mktemp /tmp/nashra-apt.XXXXXX)
    if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
        --no-install-recommends "${missing[@]}"; } > "$log" 2>&1; then
        tail -n 30 "$log" >&2
        echo "installing ${missing[*]} failed (the whole log: $log)" >&2
        exit 1
    fi
    rm -f "$log"
fi
command -v swift > /dev/null || { echo "Swift 6 is required (https://www.swift.org/install/linux/)" >&2; exit 1; }
