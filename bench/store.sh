#!/usr/bin/env bash
# Store and reader benchmarks (release build) on the shared data (NASHRA_DATA, default ../shared/data):
# 1. `nashra-dev bench store`: insert rate with the FTS5 index and story clusters, in batches of 5,000 (the importer's default), and search
#    latency (p50/p95/p99) at ARTICLES articles (default 100,000; ANT's 23,260 real articles topped up with
#    articles recomposed from their sentences);
# 2. the reader's home, article, section and search pages under wrk (installed with apt if missing), served by
#    `nashra-store web --db … --port …` from that database.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${NASHRA_DATA:-../shared/data}
ant=$data/ant/ant-v2.1-dev.jsonl.gz
articles=${ARTICLES:-100000}
if [ ! -f "$ant" ]; then
    echo "skipping: $ant is absent (set NASHRA_DATA)"
    exit 0
fi
command -v wrk > /dev/null || { sudo -n true 2>/dev/null && sudo apt-get install -y wrk || apt-get install -y wrk; } \
    > /dev/null 2>&1 || echo "wrk could not be installed: page latency skipped"
for product in nashra-dev nashra-store; do
    swift build -c release --product "$product" 2>&1 | { grep -E "error|complete" || true; } | tail -3
done
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
trap 'kill "${web:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin/nashra-dev" bench store --corpus "$ant" --db "$work/bench.sqlite" --articles "$articles" | tee "$work/store.log"
id=$(sed -n 's/^an article id for page benchmarks: //p' "$work/store.log")
if command -v wrk > /dev/null; then
    port=18790
    NASHRA_LOG_LEVEL=warning "$bin/nashra-store" web --db "$work/bench.sqlite" --port "$port" &
    web=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" > /dev/null && break; sleep 0.2; done
    query=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("الحكومة"))')
    echo
    echo "page latency under wrk (2 threads, 16 connections, 10 s each; the server shares the 2 cores with wrk)"
    printf "%-10s %10s %10s %10s %10s\n" page "req/s" "p50" "p90" "p99"
    for entry in "home /" "article /article/$id" "section /section/sport" "search /search?q=$query"; do
        name=${entry%% *}
        page=${entry#* }
        out=$(wrk -t2 -c16 -d10s --latency "http://127.0.0.1:$port$page")
        printf "%-10s %10s %10s %10s %10s\n" "$name" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
            "$(echo "$out" | awk '$1 == "50%" {print $2}')" "$(echo "$out" | awk '$1 == "90%" {print $2}')" \
            "$(echo "$out" | awk '$1 == "99%" {print $2}')"
    done
fi
