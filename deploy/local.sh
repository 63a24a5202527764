#!/usr/bin/env bash
# Runs the whole pipeline on this host without Docker: a private RabbitMQ and every stage as processes.
#   deploy/local.sh start [--demo]   start the broker and every service (--demo: also the offline demo publisher)
#   deploy/local.sh stop             stop every service (SIGTERM: they finish the batch in flight), then the broker
#   deploy/local.sh status           processes, and queue depth (`nashra status`)
# Scale a stage with NASHRA_SCALE_<STAGE>=N (WORKER, PARSER, CLASSIFIER), e.g. NASHRA_SCALE_PARSER=4.
# Everything lives under NASHRA_RUN_DIR (default: run/): logs, PIDs, the database, the frontier's state.
set -euo pipefail
cd "$(dirname "$0")/.."
run=${NASHRA_RUN_DIR:-run}
mkdir -p "$run/pids" "$run/logs"
run=$(cd "$run" && pwd)

export NASHRA_RMQ_DIR=${NASHRA_RMQ_DIR:-$run/rabbitmq}
export NASHRA_RMQ_NODE=${NASHRA_RMQ_NODE:-nashra-local@localhost}
export NASHRA_RMQ_PORT=${NASHRA_RMQ_PORT:-5673}
export NASHRA_RMQ_MGMT_PORT=${NASHRA_RMQ_MGMT_PORT:-15673}
export NASHRA_RMQ_PROM_PORT=${NASHRA_RMQ_PROM_PORT:-15693}
export NASHRA_AMQP_URL=${NASHRA_AMQP_URL:-amqp://guest:guest@127.0.0.1:$NASHRA_RMQ_PORT/}
export NASHRA_AMQP_MANAGEMENT_URL=${NASHRA_AMQP_MANAGEMENT_URL:-http://guest:guest@127.0.0.1:$NASHRA_RMQ_MGMT_PORT}
export NASHRA_DB=${NASHRA_DB:-$run/nashra.sqlite}
export NASHRA_STATE_DIR=${NASHRA_STATE_DIR:-$run/state}
bin=${NASHRA_BIN_DIR:-$(swift build --show-bin-path 2>/dev/null)}

launch() {  # name, then the command
    local name=$1
    shift
    nohup "$@" >> "$run/logs/$name.log" 2>&1 &
    echo $! > "$run/pids/$name.pid"
}

start() {
    local demo=false
    [ "${1:-}" = "--demo" ] && demo=true
    for exe in nashra nashra-fetcher nashra-parser nashra-classifier nashra-store; do
        [ -x "$bin/$exe" ] || { echo "$bin/$exe is missing: run 'swift build' first" >&2; exit 1; }
    done
    deploy/rabbitmq.sh start
    if $demo; then
        export NASHRA_SOURCES=${NASHRA_SOURCES:-deploy/demo/sources.yml}
        export NASHRA_FETCH_ALLOW_PRIVATE=${NASHRA_FETCH_ALLOW_PRIVATE:-127.0.0.1/32}
        launch demo-site "$bin/nashra" demo-site --dir deploy/demo/site --port 8701
    fi
    launch frontier "$bin/nashra-fetcher" frontier --http-port 9100
    for i in $(seq 1 "${NASHRA_SCALE_WORKER:-1}"); do
        launch "worker-$i" "$bin/nashra-fetcher" worker --http-port $((9101 + 10 * (i - 1)))
    done
    for i in $(seq 1 "${NASHRA_SCALE_PARSER:-1}"); do
        launch "parser-$i" "$bin/nashra-parser" --http-port $((9102 + 10 * (i - 1)))
    done
    for i in $(seq 1 "${NASHRA_SCALE_CLASSIFIER:-1}"); do
        launch "classifier-$i" "$bin/nashra-classifier" --http-port $((9103 + 10 * (i - 1)))
    done
    launch store "$bin/nashra-store" --http-port 9104
    launch web "$bin/nashra-store" web --http-port "${NASHRA_WEB_PORT:-8080}"
    sleep 1
    for pidfile in "$run"/pids/*.pid; do
        if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
            echo "$(basename "$pidfile" .pid) exited at start; its log:" >&2
            tail -20 "$run/logs/$(basename "$pidfile" .pid).log" >&2
            exit 1
        fi
    done
    echo "Nashra is running (logs in $run/logs). Reader: http://127.0.0.1:${NASHRA_WEB_PORT:-8080}/"
}

stop() {
    local pids=()
    for pidfile in "$run"/pids/*.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
        rm -f "$pidfile"
    done
    for _ in $(seq 1 100); do
        alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    deploy/rabbitmq.sh stop
}

status() {
    for pidfile in "$run"/pids/*.pid; do
        [ -f "$pidfile" ] || continue
        name=$(basename "$pidfile" .pid)
        if kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "running  $name"; else echo "DEAD     $name"; fi
    done
    "$bin/nashra" status
}

case "${1:-}" in
    start) shift; start "$@" ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start [--demo] | stop | status" >&2; exit 64 ;;
esac
