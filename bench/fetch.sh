#!/usr/bin/env bash
# Fetch benchmark: a release build of Nashra fetching from separate local server processes (the demo publisher,
# Hummingbird), so the figures are the fetcher's own CPU. Prints pages/s, MB/s and CPU per page for one host
# and for eight hosts, and the politeness delay held on one host. Extra arguments go to both runs.
set -euo pipefail
cd "$(dirname "$0")/.."
for product in nashra nashra-dev; do
    swift build -c release --product "$product" 2>&1 | { grep -E "error|complete" || true; } | tail -3
done
bin=$(swift build -c release --show-bin-path)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
urls=()
for port in $(seq 18701 18708); do
    "$bin/nashra" demo-site --port "$port" > /dev/null 2>&1 &
    pids+=($!)
    urls+=(--url "http://127.0.0.1:$port/cairo/sport-league.html")
done
sleep 1
"$bin/nashra-dev" bench fetch "${urls[@]:0:2}" "$@"
"$bin/nashra-dev" bench fetch "${urls[@]}" "$@"
