#!/usr/bin/env bash
# The chaos suite: full runs of the pipeline over the replay publisher (`nashra-dev replay-site`) while it is broken
# on purpose, each ending with an exact count (`nashra-dev audit`).
#
#   deploy/chaos.sh [--articles N] [--case NAME] [--hosts H] [--release]
#
# Cases: kill-frontier kill-worker kill-parser kill-classifier kill-store (kill -9 of that stage, repeatedly,
# mid-run; a supervisor loop restarts it), broker-restart (stopped and started), broker-kill (kill -9),
# store-mid-transaction (the writer killed again and again while it commits batches of 1,000), disk-full (the
# database on a size-limited tmpfs that fills up, then frees), poison (malformed messages into every queue),
# hostile (the replay publisher's hostile pages, three of each kind).
# Each case prints {"case", "expected", "stored", "lost", "duplicates", "dead_lettered", "dead_without_reason",
# "restarts", …}. Exit status 1 unless every case lost nothing, stored nothing twice, gave every dead letter a
# reason, and no process died on its own (a crash, or a crash loop).
# Uses the debug build unless --release (NASHRA_BIN_DIR overrides); runs its own RabbitMQ on port 5696.
# The runs' folders (logs, databases, manifests) are kept when a case fails, or always with NASHRA_CHAOS_KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
articles=10000 only="" hosts=20 config=debug
while [ $# -gt 0 ]; do
    case $1 in
        --articles) articles=$2; shift 2 ;;
        --case) only=$2; shift 2 ;;
        --hosts) hosts=$2; shift 2 ;;
        --release) config=release; shift ;;
        *) echo "unknown option $1 (see the header of $0)" >&2; exit 64 ;;
    esac
done
cases=(kill-frontier kill-worker kill-parser kill-classifier kill-store broker-restart broker-kill
    store-mid-transaction disk-full poison hostile)
if [ -n "$only" ]; then
    [[ " ${cases[*]} " == *" $only "* ]] || { echo "unknown case $only; one of: ${cases[*]}" >&2; exit 64; }
    cases=("$only")
fi
if [ -z "${NASHRA_BIN_DIR:-}" ]; then
    for product in nashra nashra-dev nashra-fetcher nashra-parser nashra-classifier nashra-store; do
        swift build -c "$config" --product "$product" 2>&1 | { grep -E "error|Build complete" || true; } | tail -1
    done
    NASHRA_BIN_DIR=$(swift build -c "$config" --show-bin-path)
fi
bin=$NASHRA_BIN_DIR
work=$(mktemp -d /tmp/nashra-chaos.XXXXXX)
export NASHRA_BIN_DIR NASHRA_RMQ_DIR=$work/rabbitmq NASHRA_RMQ_NODE=nashra-chaos-$$@localhost NASHRA_RMQ_PORT=5696
export NASHRA_RMQ_MGMT_PORT=15696 NASHRA_RMQ_PROM_PORT=15695
export NASHRA_AMQP_URL=amqp://guest:guest@127.0.0.1:$NASHRA_RMQ_PORT/
export NASHRA_AMQP_MANAGEMENT_URL=http://guest:guest@127.0.0.1:$NASHRA_RMQ_MGMT_PORT
export NASHRA_WEB=0 NASHRA_PORT_BASE=9500 NASHRA_LOG_LEVEL=${NASHRA_LOG_LEVEL:-warning}
export NASHRA_FETCH_ALLOW_PRIVATE=127.0.0.1/32 NASHRA_HOST_DELAY_MS=${NASHRA_HOST_DELAY_MS:-20}
export NASHRA_RETRY_DELAY_MS=${NASHRA_RETRY_DELAY_MS:-1000} NASHRA_POLL_INTERVAL=5
replay="" supervisor="" mounted=""
cleanup() {
    [ -z "$supervisor" ] || kill "$supervisor" 2> /dev/null || true
    [ -z "${NASHRA_RUN_DIR:-}" ] || deploy/local.sh stop --keep-broker > /dev/null 2>&1 || true
    [ -z "$replay" ] || kill "$replay" 2> /dev/null || true
    [ -z "$mounted" ] || umount "$mounted" 2> /dev/null || true
    deploy/rabbitmq.sh stop > /dev/null 2>&1 || true
}
trap cleanup EXIT
deploy/rabbitmq.sh start > /dev/null

stored() { "$bin/nashra" articles --count 2> /dev/null || echo 0; }
# Waits until the store holds at least $1 articles (or 10 minutes pass).
until_stored() {
    local deadline=$((SECONDS + 600))
    while [ "$(stored)" -lt "$1" ] && [ $SECONDS -lt $deadline ]; do sleep 0.3; done
}

# The supervisor: restarts a service that died, as docker-compose's `restart: always` would, and tells a kill
# of ours ($dir/killed) from a death of its own ($dir/crashes).
supervise() {
    local dir=$1
    while true; do
        for pidfile in "$NASHRA_RUN_DIR"/pids/*.pid; do
            [ -f "$pidfile" ] || continue
            local name pid
            name=$(basename "$pidfile" .pid)
            pid=$(cat "$pidfile")
            kill -0 "$pid" 2> /dev/null && continue
            if grep -qx "$name" "$dir/killed" 2> /dev/null; then
                sed -i "/^$name\$/d" "$dir/killed"
                echo "$name" >> "$dir/restarts"
            else
                echo "$name $(date +%s)" >> "$dir/crashes"
                tail -5 "$NASHRA_RUN_DIR/logs/$name.log" >> "$dir/crash-logs" 2> /dev/null || true
            fi
            sleep 0.5
            deploy/local.sh restart "$name" > /dev/null
        done
        sleep 0.3
    done
}

# kill -9 of one service, as the supervisor will see it.
kill9() {
    local dir=$1 name=$2
    echo "$name" >> "$dir/killed"
    kill -KILL "$(cat "$NASHRA_RUN_DIR/pids/$name.pid")" 2> /dev/null || true
}

run_case() {
    local name=$1 dir=$work/$1 hostile=1 count=$articles
    mkdir -p "$dir"
    touch "$dir/killed" "$dir/restarts" "$dir/crashes"
    export NASHRA_RUN_DIR=$dir/run NASHRA_STATE_DIR=$dir/run/state NASHRA_QUEUE_PREFIX=chaos-$name
    export NASHRA_SOURCES=$dir/sources.yml NASHRA_DB=$dir/run/nashra.sqlite
    mkdir -p "$dir/run"
    [ "$name" = hostile ] && hostile=3
    if [ "$name" = disk-full ]; then
        mkdir -p "$dir/disk"
        # Room for the whole run's database, so that filling and freeing it is what decides.
        mount -t tmpfs -o size=$((64 + count / 40))m tmpfs "$dir/disk" || {
            echo "{\"case\":\"$name\",\"skipped\":\"cannot mount a size-limited tmpfs here (root needed)\"}"
            return 0
        }
        mounted=$dir/disk
        export NASHRA_DB=$dir/disk/nashra.sqlite
    fi
    "$bin/nashra-dev" replay-site --articles "$count" --hosts "$hosts" --port 8700 --hostile "$hostile" --slow-ms 50 \
        --manifest "$dir/manifest.jsonl" --sources "$dir/sources.yml" > "$dir/replay.log" 2>&1 &
    replay=$!
    until [ -s "$dir/sources.yml" ]; do sleep 0.2; done
    # Batches of up to 1,000 make each of the writer's commits long (store-mid-transaction).
    if [ "$name" = store-mid-transaction ]; then export NASHRA_PREFETCH=1000; else unset NASHRA_PREFETCH; fi
    deploy/local.sh start > "$dir/start.log"
    supervise "$dir" &
    supervisor=$!
    case $name in
        kill-*)
            local service=${name#kill-}
            [ "$service" = frontier ] || [ "$service" = store ] || service=$service-1
            for step in 1 2 3 4 5; do
                until_stored $((count * step / 6))
                kill9 "$dir" "$service"
                sleep 2
            done
            ;;
        broker-restart | broker-kill)
            for step in 1 2; do
                until_stored $((count * step / 3))
                if [ "$name" = broker-kill ]; then
                    kill -KILL "$(cat "$NASHRA_RMQ_DIR/rabbitmq.pid")"
                    sleep 1
                fi
                deploy/rabbitmq.sh restart > /dev/null
            done
            ;;
        store-mid-transaction)
            # Kills land at random moments while the writer is busy, most of them inside a commit.
            for step in 1 2 3 4 5 6 7 8; do
                until_stored $((count * step / 10))
                sleep "0.$((RANDOM % 10))"
                kill9 "$dir" store
                sleep 1.5
            done
            ;;
        disk-full)
            until_stored $((count / 4))
            # Fill the file system but for 512 KB, hold it full for 15 s, then give the space back.
            local free
            free=$(df -k --output=avail "$dir/disk" | tail -1)
            dd if=/dev/zero of="$dir/disk/filler" bs=1k count=$((free - 512)) 2> /dev/null || true
            sleep 15
            rm -f "$dir/disk/filler"
            ;;
        poison)
            until_stored $((count / 4))
            "$bin/nashra-dev" poison > "$dir/poison.log"
            ;;
        hostile) ;;
    esac
    local audit restarts crashes
    audit=$("$bin/nashra-dev" audit --manifest "$dir/manifest.jsonl" --case "$name" --wait 900) || true
    kill "$supervisor" 2> /dev/null || true
    wait "$supervisor" 2> /dev/null || true
    supervisor=""
    restarts=$(wc -l < "$dir/restarts")
    crashes=$(wc -l < "$dir/crashes")
    audit=${audit/\"restarts\":0,/\"restarts\":$restarts,}
    deploy/local.sh stop --keep-broker > /dev/null
    kill "$replay" 2> /dev/null || true
    wait "$replay" 2> /dev/null || true
    replay=""
    if [ -n "$mounted" ]; then umount "$mounted" || true; mounted=""; fi
    # The audit's line, with the crashes the supervisor saw (deaths nobody caused).
    echo "${audit%\}},\"crashes\":$crashes}"
    local ok=true
    [[ $audit == *'"lost":0,'* && $audit == *'"duplicates":0,'* && $audit == *'"dead_without_reason":0,'* ]] || ok=false
    [ "$crashes" = 0 ] || ok=false
    if [ "$name" = poison ] && ! grep -q '"dead_foreign":24,' <<< "$audit"; then ok=false; fi
    if ! $ok; then
        echo "  case $name FAILED (folder kept: $dir)" >&2
        [ ! -s "$dir/crash-logs" ] || sed 's/^/  /' "$dir/crash-logs" >&2
        return 1
    fi
}

failed=0
for name in "${cases[@]}"; do run_case "$name" || failed=$((failed + 1)); done
if [ $failed -gt 0 ]; then
    echo "chaos: $failed of ${#cases[@]} case(s) failed" >&2
    exit 1
fi
echo "chaos: all ${#cases[@]} case(s) passed at $articles articles: nothing lost, nothing stored twice"
cleanup
trap - EXIT
if [ -n "${NASHRA_CHAOS_KEEP:-}" ]; then echo "runs kept in $work"; else rm -rf "$work"; fi
