#!/usr/bin/env bash
# A private PostgreSQL server without systemd, like deploy/rabbitmq.sh for the broker: `initdb` in a folder of its
# own, its own port, listening on loopback only, a `nashra` role and database (trust authentication on loopback).
#   deploy/postgres.sh start|stop|restart|status|url
# `url` prints the NASHRA_DB value for it (postgres://nashra@127.0.0.1:PORT/nashra).
# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user of Debian's package.
# Settings (environment):
#   NASHRA_PG_DIR   folder for the data, the socket and the log   (default: run/postgres)
#   NASHRA_PG_PORT  port                                          (default: 5432)
set -euo pipefail
mkdir -p "${NASHRA_PG_DIR:-run/postgres}"
dir=$(cd "${NASHRA_PG_DIR:-run/postgres}" && pwd)
port=${NASHRA_PG_PORT:-5432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1)
[ -n "$bin" ] && [ -x "$bin/initdb" ] || {
    echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
    exit 1
}
data=$dir/data

# Runs a server program as the user that owns the data (the `postgres` user when we are root).
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [ -f "$data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$data" status > /dev/null 2>&1; }

url() { echo "postgres://nashra@127.0.0.1:$port/nashra"; }

start() {
    if running; then
        echo "PostgreSQL already running: $(url)"
        return
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
        if [ "$(id -u)" = 0 ]; then
            # The server's user must reach its folder: open the folders above it for traversal only.
            chown postgres "$dir"
            local up=$dir
            while [ "$up" != / ]; do
                up=$(dirname "$up")
                chmod o+x "$up" 2> /dev/null || true
            done
        fi
        as_owner "$bin/initdb" -D "$data" -U nashra --auth=trust --encoding=UTF8 --locale=C.UTF-8 > "$dir/initdb.log"
        cat >> "$data/postgresql.conf" << CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 100
shared_buffers = 256MB
CONF
    fi
    as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start > /dev/null || {
        echo "PostgreSQL did not start; see $dir/server.log" >&2
        tail -20 "$dir/server.log" >&2 || true
        exit 1
    }
    if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U nashra -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'nashra'" | grep -q 1; then
        "$bin/createdb" -h 127.0.0.1 -p "$port" -U nashra nashra
    fi
    echo "PostgreSQL ready: $(url)"
}

stop() {
    if running; then as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop > /dev/null; fi
    echo "PostgreSQL stopped"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
restart)
    stop
    start
    ;;
status) if running; then echo "running: $(url)"; else
    echo "stopped"
    exit 3
fi ;;
url) url ;;
*)
    echo "usage: $0 start|stop|restart|status|url" >&2
    exit 2
    ;;
esac
