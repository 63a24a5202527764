#!/usr/bin/env bash
# Runs the whole pipeline on this host without Docker: a private RabbitMQ and every stage as processes.
#   deploy/local.sh start [--demo]   start the broker and every service (--demo: also the offline demo publisher)
#   deploy/local.sh stop [--keep-broker]   stop every service (SIGTERM: they finish the batch in flight), then
#                                    the broker
#   deploy/local.sh status           processes, and queue depth (`nashra status`)
#   deploy/local.sh scale STAGE N    run N instances of worker, parser or classifier now (starts or stops some);
#                                    store too when NASHRA_DB is a postgres:// URL (several writers on one queue)
#   deploy/local.sh restart NAME     start one service again (e.g. parser-2, store), as a supervisor would
#   deploy/local.sh port NAME        the /metrics and /health port of a service
# With NASHRA_LOCAL_BROKER=0 it neither starts nor stops a broker: the services use NASHRA_AMQP_URL as given (a
# cluster from `deploy/rabbitmq.sh cluster start 3`, say).
# Scale at start with NASHRA_SCALE_<STAGE>=N (WORKER, PARSER, CLASSIFIER), e.g. NASHRA_SCALE_PARSER=4.
# Everything lives under NASHRA_RUN_DIR (default: run/): logs, PIDs, the database, the frontier's state.
# Services' /metrics ports start at NASHRA_PORT_BASE (default 9100): frontier +0, store +4, worker i +1+10(i-1),
# parser i +2+10(i-1), classifier i +3+10(i-1).
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
# glibc gives every thread that allocates its own malloc arena (up to 8 per core); two keep a service's memory
# close to what it uses (the fetch worker's peak fell from 69 to 62 MB in bench/pipeline.sh).
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}

launch() {  # name, then the command
    local name=$1
    shift
    nohup "$@" >> "$run/logs/$name.log" 2>&1 &
    echo $! > "$run/pids/$name.pid"
}

base=${NASHRA_PORT_BASE:-9100}

# The HTTP port (/metrics, /health) of a service by its name.
port() {
    local name=$1 i=${1##*-}
    case $name in
        frontier) echo "$base" ;;
        store) echo $((base + 4)) ;;
        web) echo "${NASHRA_WEB_PORT:-8080}" ;;
        demo-site) echo 8701 ;;
        worker-*) echo $((base + 1 + 10 * (i - 1))) ;;
        parser-*) echo $((base + 2 + 10 * (i - 1))) ;;
        classifier-*) echo $((base + 3 + 10 * (i - 1))) ;;
        store-*) echo $((base + 4 + 10 * i)) ;;
        *) echo "unknown service $name" >&2; return 64 ;;
    esac
}

# Starts one service by its name: frontier, store, web, demo-site, worker-I, parser-I, classifier-I.
service() {
    local name=$1 p
    p=$(port "$name")
    case $name in
        frontier) launch frontier "$bin/nashra-fetcher" frontier --http-port "$p" ;;
        store) launch store "$bin/nashra-store" --http-port "$p" ;;
        web) launch web "$bin/nashra-store" web --http-port "$p" ;;
        demo-site) launch demo-site "$bin/nashra" demo-site --dir deploy/demo/site --port "$p" ;;
        worker-*) launch "$name" "$bin/nashra-fetcher" worker --http-port "$p" ;;
        parser-*) launch "$name" "$bin/nashra-parser" --http-port "$p" ;;
        classifier-*) launch "$name" "$bin/nashra-classifier" --http-port "$p" ;;
        store-*) launch "$name" "$bin/nashra-store" --http-port "$p" ;;
    esac
}

start() {
    local demo=false
    [ "${1:-}" = "--demo" ] && demo=true
    for exe in nashra nashra-fetcher nashra-parser nashra-classifier nashra-store; do
        [ -x "$bin/$exe" ] || { echo "$bin/$exe is missing: run 'swift build' first" >&2; exit 1; }
    done
    [ "${NASHRA_LOCAL_BROKER:-1}" = 0 ] || deploy/rabbitmq.sh start
    # The repository's catalog unless another is named (the settings' default is the user's own, in ~/.config).
    $demo || export NASHRA_SOURCES=${NASHRA_SOURCES:-$PWD/deploy/sources.yml}
    if $demo; then
        export NASHRA_SOURCES=${NASHRA_SOURCES:-deploy/demo/sources.yml}
        export NASHRA_FETCH_ALLOW_PRIVATE=${NASHRA_FETCH_ALLOW_PRIVATE:-127.0.0.1/32}
        # The demo publisher's hub pushes its news to the frontier's own port (WebSub).
        export NASHRA_WEBSUB_CALLBACK=${NASHRA_WEBSUB_CALLBACK:-http://127.0.0.1:$(port frontier)}
        service demo-site
    fi
    service frontier
    for i in $(seq 1 "${NASHRA_SCALE_WORKER:-1}"); do service "worker-$i"; done
    for i in $(seq 1 "${NASHRA_SCALE_PARSER:-1}"); do service "parser-$i"; done
    for i in $(seq 1 "${NASHRA_SCALE_CLASSIFIER:-1}"); do service "classifier-$i"; done
    service store
    [ "${NASHRA_WEB:-1}" = 0 ] || service web
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

# Stops the named services with SIGTERM (they finish their batch), SIGKILL after 10 s.
stop_services() {
    local pids=()
    for name in "$@"; do
        local pidfile=$run/pids/$name.pid
        [ -f "$pidfile" ] || continue
        kill -TERM "$(cat "$pidfile")" 2>/dev/null && pids+=("$(cat "$pidfile")")
        rm -f "$pidfile"
    done
    for _ in $(seq 1 100); do
        alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}

scale() {
    local stage=${1:-} want=${2:-}
    case $stage in worker|parser|classifier|store) ;; *) echo "scale: STAGE is worker, parser, classifier or store" >&2; exit 64 ;; esac
    [[ $want =~ ^[0-9]+$ ]] || { echo "scale: N must be a number" >&2; exit 64; }
    if [ "$stage" = store ]; then
        # One SQLite file has one writer; PostgreSQL takes several. `store` is the first, store-I the others.
        case ${NASHRA_DB:-} in
            postgres://* | postgresql://*) ;;
            *) echo "scale: more than one store writer needs PostgreSQL (NASHRA_DB=postgres://…)" >&2; exit 64 ;;
        esac
        [ "$want" -ge 1 ] || { echo "scale: the store keeps its first writer (N ≥ 1)" >&2; exit 64; }
        resize store $((want - 1))
        echo "store: $want writer(s) (was $((had + 1)))"
        return
    fi
    resize "$stage" "$want"
    echo "$stage: $want instance(s) (was $had)"
}

# Runs instances NAME-1 … NAME-WANT, starting or stopping some; sets `had` to how many ran before.
resize() {
    local name=$1 want=$2
    had=0
    while [ -f "$run/pids/$name-$((had + 1)).pid" ]; do had=$((had + 1)); done
    for i in $(seq $((had + 1)) "$want"); do service "$name-$i"; done
    local surplus=()
    for i in $(seq $((want + 1)) "$had"); do surplus+=("$name-$i"); done
    [ ${#surplus[@]} -eq 0 ] || stop_services "${surplus[@]}"
}

stop() {
    local names=()
    for pidfile in "$run"/pids/*.pid; do [ -f "$pidfile" ] && names+=("$(basename "$pidfile" .pid)"); done
    [ ${#names[@]} -eq 0 ] || stop_services "${names[@]}"
    [ "${1:-}" = "--keep-broker" ] || [ "${NASHRA_LOCAL_BROKER:-1}" = 0 ] || deploy/rabbitmq.sh stop
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
    stop) shift; stop "$@" ;;
    status) status ;;
    scale) shift; scale "$@" ;;
    restart) shift; service "${1:?restart NAME}" ;;
    port) shift; port "${1:?port NAME}" ;;
    *) echo "usage: $0 start [--demo] | stop | status | scale STAGE N | restart NAME | port NAME" >&2; exit 64 ;;
esac
