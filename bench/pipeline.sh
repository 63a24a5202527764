#!/usr/bin/env bash
# The whole pipeline under load, release build, everything on this machine: the replay publisher (`nashra-dev
# replay-site`, real ANT article texts when NASHRA_DATA has them) → frontier → fetch workers → parsers →
# classifiers → store, run by deploy/local.sh on a private RabbitMQ. Host politeness stays on: one fetch in
# flight per host, NASHRA_HOST_DELAY_MS apart (stated in the output).
#
#   bench/pipeline.sh [--articles N] [--hosts H] [--host-delay-ms D] [--fresh-rate R] [--fresh-articles N]
#                     [--scale-stage STAGE] [--no-scaling]
#
# Runs: (1) a backlog run, every article published at once: articles/s end to end, per-stage throughput and
# batch latency, queue depth over time, peak RSS of every process; (2) a freshness run, articles published at
# --fresh-rate (below capacity): publish-to-stored p50/p95; (3) the slowest scalable stage with 2 and 3
# instances (or --scale-stage). Prints tables, then one JSON line. Needs python3 for the report.
set -euo pipefail
cd "$(dirname "$0")/.."
articles=5000 hosts=50 delay=100 fresh_rate=100 fresh_articles=1500 scaling=true stage=""
while [ $# -gt 0 ]; do
    case $1 in
        --articles) articles=$2; shift 2 ;;
        --hosts) hosts=$2; shift 2 ;;
        --host-delay-ms) delay=$2; shift 2 ;;
        --fresh-rate) fresh_rate=$2; shift 2 ;;
        --fresh-articles) fresh_articles=$2; shift 2 ;;
        --scale-stage) stage=$2; shift 2 ;;
        --no-scaling) scaling=false; shift ;;
        *) echo "unknown option $1 (see the header of $0)" >&2; exit 64 ;;
    esac
done
. bench/release-run.sh 5697 pipeline
export NASHRA_PORT_BASE=9400 NASHRA_HOST_DELAY_MS=$delay
replay=""
cleanup() {
    [ -z "${NASHRA_RUN_DIR:-}" ] || deploy/local.sh stop --keep-broker > /dev/null 2>&1 || true
    [ -z "$replay" ] || kill "$replay" 2> /dev/null || true
    deploy/rabbitmq.sh stop > /dev/null 2>&1 || true
}
trap cleanup EXIT
deploy/rabbitmq.sh start > /dev/null

# run NAME ARTICLES RATE POLL_SECONDS [STAGE INSTANCES]: one run over a fresh replay publisher, queues and database.
run() {
    local name=$1 count=$2 rate=$3 poll=$4 scaled=${5:-} instances=${6:-1}
    local dir=$work/$name
    mkdir -p "$dir"
    export NASHRA_RUN_DIR=$dir/run NASHRA_DB=$dir/run/nashra.sqlite NASHRA_STATE_DIR=$dir/run/state
    export NASHRA_QUEUE_PREFIX=$name NASHRA_SOURCES=$dir/sources.yml NASHRA_POLL_INTERVAL=$poll
    export NASHRA_SCALE_WORKER=1 NASHRA_SCALE_PARSER=1 NASHRA_SCALE_CLASSIFIER=1
    [ -z "$scaled" ] || export "NASHRA_SCALE_${scaled^^}=$instances"
    "$bin/nashra-dev" replay-site --articles "$count" --hosts "$hosts" --port 8900 --rate "$rate" \
        --manifest "$dir/manifest.jsonl" --sources "$dir/sources.yml" > "$dir/replay.log" 2>&1 &
    replay=$!
    until [ -s "$dir/sources.yml" ]; do sleep 0.2; done
    deploy/local.sh start > /dev/null
    (
        while true; do
            printf '{"t":%s,"status":%s}\n' "$(date +%s.%N)" "$("$bin/nashra" status --json 2> /dev/null | tr -d '\n')"
            sleep 1
        done
    ) > "$dir/depth.jsonl" 2> /dev/null &
    local sampler=$!
    "$bin/nashra-dev" audit --manifest "$dir/manifest.jsonl" --case "$name" --wait 1800 > "$dir/audit.json" || true
    kill "$sampler" 2> /dev/null || true
    for pidfile in "$dir"/run/pids/*.pid; do
        local service pid
        service=$(basename "$pidfile" .pid)
        pid=$(cat "$pidfile")
        echo "$service $(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2> /dev/null || echo 0)" >> "$dir/rss.txt"
        curl -s "http://127.0.0.1:$(deploy/local.sh port "$service")/metrics" > "$dir/metrics-$service.txt" || true
    done
    echo "rabbitmq $(awk '/VmHWM/ {print $2}' "/proc/$(cat "$NASHRA_RMQ_DIR/rabbitmq.pid")/status")" >> "$dir/rss.txt"
    echo "replay-site $(awk '/VmHWM/ {print $2}' "/proc/$replay/status")" >> "$dir/rss.txt"
    deploy/local.sh stop --keep-broker > /dev/null
    kill "$replay" 2> /dev/null || true
    wait "$replay" 2> /dev/null || true
    replay=""
    echo "$name: $(cat "$dir/audit.json")"
}

echo "replay publisher: $hosts outlets, host delay ${delay} ms; $(nproc) cores"
run backlog "$articles" 0 60
run fresh "$fresh_articles" "$fresh_rate" 1
if $scaling; then
    [ -n "$stage" ] || stage=$(python3 bench/pipeline_report.py --slowest "$work/backlog")
    run "${stage}-x2" "$articles" 0 60 "$stage" 2
    run "${stage}-x3" "$articles" 0 60 "$stage" 3
fi
python3 bench/pipeline_report.py --hosts "$hosts" --delay "$delay" --scale-stage "${stage:-}" "$work"
