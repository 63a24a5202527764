#!/usr/bin/env bash
# The chaos suite: full runs of the pipeline over the replay publisher (`nashra-dev replay-site`) while it is broken
# on purpose, each ending with an exact count (`nashra-dev audit`).
#
#   deploy/chaos.sh [--articles N] [--case NAME[,NAME…]] [--hosts H] [--release] [--cluster N] [--store sqlite|postgres]
#
# Cases: kill-frontier kill-worker kill-parser kill-classifier kill-store (kill -9 of that stage, repeatedly,
# mid-run; a supervisor loop restarts it), broker-restart (stopped and started), broker-kill (kill -9),
# store-mid-transaction (the writer killed again and again while it commits batches of 1,000), disk-full (the
# database on a size-limited tmpfs that fills up, then frees), poison (malformed messages into every queue),
# hostile (the replay publisher's hostile pages, three of each kind).
# --cluster N (N ≥ 3) runs every case over N RabbitMQ nodes in one cluster with quorum queues (the broker cases
# stop or kill the whole cluster) and adds: node-kill (kill -9 of the node leading the busiest queue, restarted
# 20 s later, twice), node-restart (each node stopped gracefully and started again in turn, a rolling upgrade),
# partition (the node leading the busiest queue cut off from the others for 60 s, then healed).
# --store postgres runs every case on a private PostgreSQL (a database per case; disk-full, a SQLite case, is
# skipped) and adds: postgres-kill (kill -9 of every PostgreSQL process while the writer commits batches of
# 1,000, restarted 10 s later, twice), postgres-down (PostgreSQL stopped for 60 s while articles keep coming).
# Each case prints {"case", "expected", "stored", "lost", "duplicates", "dead_lettered", "dead_without_reason",
# "restarts", …}. Exit status 1 unless every case lost nothing, stored nothing twice, gave every dead letter a
# reason, and no process died on its own (a crash, or a crash loop).
# Uses the debug build unless --release (NASHRA_BIN_DIR overrides); runs its own RabbitMQ on port 5696 (a cluster on
# 5741…, PostgreSQL on 5749).
# The runs' folders (logs, databases, manifests) are kept when a case fails, or always with NASHRA_CHAOS_KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
articles=10000 only="" hosts=20 config=debug cluster=0 store=sqlite
while [ $# -gt 0 ]; do
    case $1 in
        --articles) articles=$2; shift 2 ;;
        --cluster) cluster=$2; shift 2 ;;
        --store) store=$2; shift 2 ;;
        --case) only=$2; shift 2 ;;
        --hosts) hosts=$2; shift 2 ;;
        --release) config=release; shift ;;
        *) echo "unknown option $1 (see the header of $0)" >&2; exit 64 ;;
    esac
done
[[ $cluster =~ ^[0-9]+$ ]] && { [ "$cluster" = 0 ] || [ "$cluster" -ge 3 ]; } ||
    { echo "--cluster N needs N ≥ 3 (a majority must survive one node)" >&2; exit 64; }
[ "$store" = sqlite ] || [ "$store" = postgres ] || { echo "--store is sqlite or postgres" >&2; exit 64; }
cases=(kill-frontier kill-worker kill-parser kill-classifier kill-store broker-restart broker-kill
    store-mid-transaction disk-full poison hostile)
[ "$cluster" = 0 ] || cases+=(node-kill node-restart partition)
[ "$store" = sqlite ] || cases+=(postgres-kill postgres-down)
if [ -n "$only" ]; then
    IFS=, read -r -a chosen <<< "$only"
    for name in "${chosen[@]}"; do
        [[ " ${cases[*]} " == *" $name "* ]] && continue
        case $name in
            node-kill | node-restart | partition) echo "case $name needs --cluster 3" >&2 ;;
            postgres-kill | postgres-down) echo "case $name needs --store postgres" >&2 ;;
            *) echo "unknown case $name; one of: ${cases[*]}" >&2 ;;
        esac
        exit 64
    done
    cases=("${chosen[@]}")
fi
if [ -z "${NASHRA_BIN_DIR:-}" ]; then
    for product in nashra nashra-dev nashra-fetcher nashra-parser nashra-classifier nashra-store; do
        swift build -c "$config" --product "$product" 2>&1 | { grep -E "error|Build complete" || true; } | tail -1
    done
    NASHRA_BIN_DIR=$(swift build -c "$config" --show-bin-path)
fi
bin=$NASHRA_BIN_DIR
work=$(mktemp -d /tmp/nashra-chaos.XXXXXX)
export NASHRA_BIN_DIR NASHRA_RMQ_DIR=$work/rabbitmq
if [ "$cluster" = 0 ]; then
    export NASHRA_RMQ_NODE=nashra-chaos-$$@localhost NASHRA_RMQ_PORT=5696 NASHRA_RMQ_MGMT_PORT=15696
    export NASHRA_RMQ_PROM_PORT=15695 NASHRA_AMQP_URL=amqp://guest:guest@127.0.0.1:5696/
    export NASHRA_AMQP_MANAGEMENT_URL=http://guest:guest@127.0.0.1:$NASHRA_RMQ_MGMT_PORT
else
    # Node I listens on 5740+I, its management API on 15740+I (see deploy/rabbitmq.sh cluster).
    export NASHRA_RMQ_PORT=5741 NASHRA_RMQ_CLUSTER_NAME=nashra-chaos-c NASHRA_QUEUE_TYPE=quorum NASHRA_LOCAL_BROKER=0
    export NASHRA_AMQP_MANAGEMENT_URL=http://guest:guest@127.0.0.1:15741
fi
pg_port=5749 pg_bin=""
export NASHRA_WEB=0 NASHRA_PORT_BASE=9500 NASHRA_LOG_LEVEL=${NASHRA_LOG_LEVEL:-warning}
export NASHRA_FETCH_ALLOW_PRIVATE=127.0.0.1/32 NASHRA_HOST_DELAY_MS=${NASHRA_HOST_DELAY_MS:-20}
export NASHRA_RETRY_DELAY_MS=${NASHRA_RETRY_DELAY_MS:-1000} NASHRA_POLL_INTERVAL=5
replay="" supervisor="" mounted=""
cleanup() {
    [ -z "$supervisor" ] || kill "$supervisor" 2> /dev/null || true
    [ -z "${NASHRA_RUN_DIR:-}" ] || deploy/local.sh stop --keep-broker > /dev/null 2>&1 || true
    [ -z "$replay" ] || kill "$replay" 2> /dev/null || true
    [ -z "$mounted" ] || umount "$mounted" 2> /dev/null || true
    if [ "$cluster" = 0 ]; then deploy/rabbitmq.sh stop > /dev/null 2>&1 || true; else broker_cluster stop > /dev/null 2>&1 || true; fi
    [ "$store" = sqlite ] || postgres stop > /dev/null 2>&1 || true
}
trap cleanup EXIT

broker_cluster() { deploy/rabbitmq.sh cluster "$@"; }
postgres() { NASHRA_PG_DIR=$work/postgres NASHRA_PG_PORT=$pg_port deploy/postgres.sh "$@"; }
node_name() { echo "$NASHRA_RMQ_CLUSTER_NAME$1@localhost"; }

# The whole broker stopped (gracefully, or with kill -9 when $1 is kill) and started again.
broker_down_and_up() {
    if [ "$cluster" = 0 ]; then
        if [ "$1" = kill ]; then
            kill -KILL "$(cat "$NASHRA_RMQ_DIR/rabbitmq.pid")"
            sleep 1
        fi
        deploy/rabbitmq.sh restart > /dev/null
        return
    fi
    if [ "$1" = kill ]; then
        for i in $(seq 1 "$cluster"); do broker_cluster kill "$i" > /dev/null; done
        sleep 1
    else
        broker_cluster stop > /dev/null
    fi
    # Together: a node that was not the last to stop waits at boot for the ones that were.
    local starting=()
    for i in $(seq 1 "$cluster"); do
        broker_cluster restart "$i" > /dev/null &
        starting+=($!)
    done
    wait "${starting[@]}"
}

# The index of the node that leads this case's busiest queue (1 when none is found).
busiest_leader() {
    local leader
    leader=$(broker_cluster ctl 1 list_queues name messages leader --quiet --no-table-headers 2> /dev/null |
        awk -v prefix="$NASHRA_QUEUE_PREFIX" 'index($1, prefix) == 1 && $2 > most { most = $2; node = $3 }
            END { print node }' | sed -n "s/^$NASHRA_RMQ_CLUSTER_NAME\\([0-9]*\\)@.*/\\1/p")
    echo "${leader:-1}"
}

# Erlang distribution between node $1 and every other node: cut, or healed. A cut gives node $1 a wrong cookie for
# the others and drops its links, so no side can connect again: to both sides, and to RabbitMQ, the other is down, as
# in a network partition, while AMQP clients still reach node $1 (pause_minority makes it stop serving them).
partition() {
    local cut=$1 others=() list
    for i in $(seq 1 "$cluster"); do [ "$i" = "$cut" ] || others+=("'$(node_name "$i")'"); done
    list=$(IFS=,; echo "${others[*]}")
    if [ "$2" = cut ]; then
        broker_cluster ctl "$cut" eval "[erlang:set_cookie(N, nashra_cut_off) || N <- [$list]], ok." > /dev/null
        broker_cluster ctl "$cut" eval "[erlang:disconnect_node(N) || N <- [$list]], ok." > /dev/null
    else
        broker_cluster ctl "$cut" eval \
            "[erlang:set_cookie(N, erlang:get_cookie()) || N <- [$list]], [net_adm:ping(N) || N <- [$list]]." > /dev/null
    fi
}

# kill -9 of every PostgreSQL process at once (the server and its backends), as an out-of-memory kill would.
postgres_kill() {
    local server
    server=$(head -1 "$work/postgres/data/postmaster.pid")
    kill -KILL "$server" $(pgrep -P "$server") 2> /dev/null || true
}

if [ "$cluster" = 0 ]; then
    deploy/rabbitmq.sh start > /dev/null
else
    # rabbitmqctl reports on stderr the tables of nodes not joined yet: the start's log keeps them.
    broker_cluster start "$cluster" > "$work/cluster-start.log" 2>&1 || { cat "$work/cluster-start.log" >&2; exit 1; }
    NASHRA_AMQP_URL=$(broker_cluster urls)
    export NASHRA_AMQP_URL
fi
if [ "$store" = postgres ]; then
    postgres start > /dev/null
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

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
    local name=$1 dir=$work/$1 hostile=1 count=$articles began=$SECONDS
    mkdir -p "$dir"
    touch "$dir/killed" "$dir/restarts" "$dir/crashes"
    export NASHRA_RUN_DIR=$dir/run NASHRA_STATE_DIR=$dir/run/state NASHRA_QUEUE_PREFIX=chaos-$name
    export NASHRA_SOURCES=$dir/sources.yml NASHRA_DB=$dir/run/nashra.sqlite
    mkdir -p "$dir/run"
    [ "$name" = hostile ] && hostile=3
    if [ "$store" = postgres ]; then
        if [ "$name" = disk-full ]; then
            echo "{\"case\":\"$name\",\"skipped\":\"the SQLite store's case (PostgreSQL runs its own disk)\"}"
            return 0
        fi
        "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U nashra "chaos_${name//-/_}"
        export NASHRA_DB=postgres://nashra@127.0.0.1:$pg_port/chaos_${name//-/_}
    fi
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
    case $name in store-mid-transaction | postgres-kill) export NASHRA_PREFETCH=1000 ;; *) unset NASHRA_PREFETCH ;; esac
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
                broker_down_and_up "${name#broker-}"
            done
            ;;
        node-kill)
            for step in 1 2; do
                until_stored $((count * step / 3))
                local leader
                leader=$(busiest_leader)
                broker_cluster kill "$leader" > /dev/null
                sleep 20
                broker_cluster restart "$leader" > /dev/null
            done
            ;;
        node-restart)
            for i in $(seq 1 "$cluster"); do
                until_stored $((count * i / (cluster + 1)))
                broker_cluster stop "$i" > /dev/null
                broker_cluster restart "$i" > /dev/null
            done
            ;;
        partition)
            until_stored $((count / 3))
            local cut
            cut=$(busiest_leader)
            partition "$cut" cut
            sleep 60
            partition "$cut" heal
            ;;
        postgres-kill)
            for step in 1 2; do
                until_stored $((count * step / 3))
                sleep "0.$((RANDOM % 10))"
                postgres_kill
                sleep 10
                postgres start > /dev/null 2>&1
            done
            ;;
        postgres-down)
            until_stored $((count / 3))
            postgres stop > /dev/null
            sleep 60
            postgres start > /dev/null 2>&1
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
    echo "${audit%\}},\"crashes\":$crashes,\"seconds\":$((SECONDS - began))}"
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
echo "chaos: all ${#cases[@]} case(s) passed at $articles articles ($( [ "$cluster" = 0 ] && echo "one broker node" || echo "a cluster of $cluster nodes, quorum queues"), $store): nothing lost, nothing stored twice"
cleanup
trap - EXIT
if [ -n "${NASHRA_CHAOS_KEEP:-}" ]; then echo "runs kept in $work"; else rm -rf "$work"; fi
