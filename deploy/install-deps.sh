#!/usr/bin/env bash
# Installs the system packages Nashra needs on Debian/Ubuntu, when they are missing.
# With --test, also what the test suite needs: headless Chromium and Arabic fonts for the browser test, and
# promtool (Debian's prometheus package) for the alert rules' tests, and PostgreSQL for the PostgreSQL store's tests.
set -euo pipefail
packages=(rabbitmq-server librabbitmq-dev libcurl4-openssl-dev libsqlite3-dev libxml2-dev zlib1g-dev pkg-config)
[ "${1:-}" = "--test" ] && packages+=(chromium fonts-noto-core prometheus python3 postgresql)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" > /dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    echo "installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi
command -v swift > /dev/null || { echo "Swift 6 is required (https://www.swift.org/install/linux/)" >&2; exit 1; }
