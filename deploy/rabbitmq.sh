#!/usr/bin/env bash
# A private RabbitMQ node without systemd: own node name, ports, data and log folders, Erlang cookie.
#   deploy/rabbitmq.sh start|stop|restart|status
#   deploy/rabbitmq.sh cluster start N | stop [I] | kill I | restart I | urls | ctl I ARGS…
#       N private nodes on this machine joined in one cluster (for quorum queues): node I is nashra-cI@localhost
#       (NASHRA_RMQ_CLUSTER_NAME replaces nashra-c, so that two clusters can run on one machine),
#       under NASHRA_RMQ_DIR/node-I, AMQP port NASHRA_RMQ_PORT+I-1 (default 5701…), management +10000, Prometheus
#       +10010. `stop I` stops node I gracefully (every node without I), `kill I` kills it outright (SIGKILL),
#       `restart I` starts it again (it rejoins), `urls` prints the nodes' AMQP URLs comma-separated
#       (NASHRA_AMQP_URL for a cluster), `ctl I ARGS…` runs rabbitmqctl against node I. Cluster nodes handle a
#       partition with `pause_minority`: a node that sees fewer than half the cluster stops serving until it sees a
#       majority again (RabbitMQ's advice for three or more nodes; quorum queues go on on the majority side).
# Settings (environment):
#   NASHRA_RMQ_DIR        folder for data, logs, config, pid  (default: run/rabbitmq)
#   NASHRA_RMQ_NODE       node name                          (default: nashra@localhost)
#   NASHRA_RMQ_PORT       AMQP port                          (default: 5672)
#   NASHRA_RMQ_MGMT_PORT  management API port                (default: 15672)
#   NASHRA_RMQ_PROM_PORT  Prometheus metrics port            (default: 15692)
set -euo pipefail
dir=$(mkdir -p "${NASHRA_RMQ_DIR:-run/rabbitmq}" && cd "${NASHRA_RMQ_DIR:-run/rabbitmq}" && pwd)
node=${NASHRA_RMQ_NODE:-nashra@localhost}
port=${NASHRA_RMQ_PORT:-5672}
mgmt=${NASHRA_RMQ_MGMT_PORT:-15672}
prom=${NASHRA_RMQ_PROM_PORT:-15692}
bin=/usr/lib/rabbitmq/bin
[ -x "$bin/rabbitmq-server" ] || { echo "rabbitmq-server is not installed (apt-get install rabbitmq-server)" >&2; exit 1; }

export HOME="$dir/home" RABBITMQ_NODENAME="$node" RABBITMQ_NODE_PORT="$port" RABBITMQ_DIST_PORT=$((port + 20000))
export RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/rabbitmq.pid"
export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_CONFIG_FILE="$dir/rabbitmq"
export ERL_CRASH_DUMP="$dir/erl_crash.dump"  # not in the caller's working folder
ctl() { "$bin/rabbitmqctl" -n "$node" "$@"; }

running() { [ -f "$dir/rabbitmq.pid" ] && kill -0 "$(cat "$dir/rabbitmq.pid")" 2>/dev/null; }

start() {
    if running; then echo "RabbitMQ $node already running on port $port"; return; fi
    mkdir -p "$HOME" "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
    # Nodes of one cluster share an Erlang cookie.
    if [ -n "${NASHRA_RMQ_COOKIE:-}" ] && [ ! -f "$HOME/.erlang.cookie" ]; then
        printf '%s' "$NASHRA_RMQ_COOKIE" > "$HOME/.erlang.cookie"
        chmod 400 "$HOME/.erlang.cookie"
    fi
    echo "[rabbitmq_management,rabbitmq_prometheus]." > "$RABBITMQ_ENABLED_PLUGINS_FILE"
    cat > "$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = $port
management.tcp.port = $mgmt
prometheus.tcp.port = $prom
collect_statistics_interval = 1000
loopback_users.guest = true
CONF
    [ -z "${NASHRA_RMQ_COOKIE:-}" ] || echo "cluster_partition_handling = pause_minority" >> "$dir/rabbitmq.conf"
    nohup "$bin/rabbitmq-server" > "$dir/server.out" 2>&1 &
    echo $! > "$dir/launcher.pid"
    # await_startup fails at once while the node is not reachable yet: retry until it answers.
    local deadline=$((SECONDS + 120))
    until ctl await_startup > /dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ] || ! kill -0 "$(cat "$dir/launcher.pid")" 2>/dev/null; then
            echo "RabbitMQ did not start; see $dir/server.out and $dir/log" >&2
            tail -20 "$dir/server.out" >&2 || true
            exit 1
        fi
        sleep 1
    done
    echo "RabbitMQ $node ready: amqp://guest:guest@127.0.0.1:$port/ (management http://127.0.0.1:$mgmt)"
}

stop() {
    if running; then
        local pid
        pid=$(cat "$dir/rabbitmq.pid")
        kill -TERM "$pid" 2>/dev/null || true
        # A clustered node hands its queue leaderships over before it goes: give it a minute.
        for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/rabbitmq.pid"
    # epmd is started by the first node; stop it only when no other Erlang node is left.
    if ! pgrep -x beam.smp > /dev/null; then pkill -x epmd 2>/dev/null || true; fi
    echo "RabbitMQ $node stopped"
}

# cluster ACTION [ARG]: runs this script once per node, each with its own folder, name and ports.
cluster() {
    local action=${1:-} base=${NASHRA_RMQ_PORT:-5701} name=${NASHRA_RMQ_CLUSTER_NAME:-nashra-c} count
    local self=$0
    count_file="$dir/cluster-size"
    node_env() {  # node_env I: the environment of node I
        echo "NASHRA_RMQ_DIR=$dir/node-$1 NASHRA_RMQ_NODE=$name$1@localhost NASHRA_RMQ_PORT=$((base + $1 - 1))" \
            "NASHRA_RMQ_MGMT_PORT=$((base + $1 - 1 + 10000)) NASHRA_RMQ_PROM_PORT=$((base + $1 - 1 + 10010))" \
            "NASHRA_RMQ_COOKIE=nashra-cluster-cookie"
    }
    on_node() { local i=$1; shift; env $(node_env "$i") "$self" "$@"; }
    node_ctl() { local i=$1; shift; HOME="$dir/node-$i/home" "$bin/rabbitmqctl" -n "$name$i@localhost" "$@"; }
    case $action in
        start)
            count=${2:-3}
            echo "$count" > "$count_file"
            for i in $(seq 1 "$count"); do on_node "$i" start; done
            for i in $(seq 2 "$count"); do
                if ! node_ctl "$i" cluster_status 2> /dev/null | grep -q "${name}1@localhost"; then
                    node_ctl "$i" stop_app > /dev/null
                    node_ctl "$i" join_cluster "${name}1@localhost" > /dev/null
                    node_ctl "$i" start_app > /dev/null
                fi
            done
            node_ctl 1 await_online_nodes "$count" > /dev/null
            echo "cluster of $count nodes: $(cluster urls)"
            ;;
        stop)
            if [ -n "${2:-}" ]; then on_node "$2" stop; return; fi
            count=$(cat "$count_file" 2> /dev/null || echo 0)
            for i in $(seq "$count" -1 1); do on_node "$i" stop; done
            ;;
        kill)
            local pid
            pid=$(cat "$dir/node-${2:?kill I}/rabbitmq.pid")
            kill -KILL "$pid" 2> /dev/null || true
            rm -f "$dir/node-$2/rabbitmq.pid"
            echo "node $name$2@localhost killed"
            ;;
        restart) on_node "${2:?restart I}" start ;;
        ctl) shift; local i=${1:?ctl I ARGS}; shift; node_ctl "$i" "$@" ;;
        urls)
            count=$(cat "$count_file")
            local urls=()
            for i in $(seq 1 "$count"); do urls+=("amqp://guest:guest@127.0.0.1:$((base + i - 1))/"); done
            (IFS=,; echo "${urls[*]}")
            ;;
        *) echo "usage: $0 cluster start N | stop [I] | kill I | restart I | urls | ctl I ARGS" >&2; exit 64 ;;
    esac
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    restart) stop; start ;;
    status) if running; then ctl list_queues name messages_ready messages_unacknowledged consumers; else echo "not running"; exit 1; fi ;;
    cluster) shift; cluster "$@" ;;
    *) echo "usage: $0 start|stop|restart|status|cluster" >&2; exit 64 ;;
esac
