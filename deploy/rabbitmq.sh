#!/usr/bin/env bash
# A private RabbitMQ node without systemd: own node name, ports, data and log folders, Erlang cookie.
#   deploy/rabbitmq.sh start|stop|restart|status
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
    echo "[rabbitmq_management,rabbitmq_prometheus]." > "$RABBITMQ_ENABLED_PLUGINS_FILE"
    cat > "$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = $port
management.tcp.port = $mgmt
prometheus.tcp.port = $prom
collect_statistics_interval = 1000
loopback_users.guest = true
CONF
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
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/rabbitmq.pid"
    # epmd is started by the first node; stop it only when no other Erlang node is left.
    if ! pgrep -x beam.smp > /dev/null; then pkill -x epmd 2>/dev/null || true; fi
    echo "RabbitMQ $node stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    restart) stop; start ;;
    status) if running; then ctl list_queues name messages_ready messages_unacknowledged consumers; else echo "not running"; exit 1; fi ;;
    *) echo "usage: $0 start|stop|restart|status" >&2; exit 64 ;;
esac
