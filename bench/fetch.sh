#!/usr/bin/env bash
# Fetch benchmark: a release build of Nashra fetching from a separate local server process (the demo publisher,
# Hummingbird), so the figures are the fetcher's own CPU. Prints pages/s, MB/s, CPU per page, and the
# politeness delay held on one host.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product nashra 2>&1 | grep -E "error|Compiling|Build complete" | tail -1
bin=$(swift build -c release --show-bin-path)
"$bin/nashra" demo-site --port 18701 > /dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 1
"$bin/nashra" bench fetch --url http://127.0.0.1:18701/cairo/sport-league.html "$@"
