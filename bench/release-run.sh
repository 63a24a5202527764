# Sourced by the benchmarks that run the whole pipeline (pipeline.sh, scale.sh): installs what is missing, builds
# the release executables, and prepares a private RabbitMQ on AMQP port $1 (management $1+10000, Prometheus
# $1+10001) under a new work folder, named after $2. Sets `bin` and `work`; exports what deploy/local.sh and the
# nashra commands read. The caller starts the broker (deploy/rabbitmq.sh start) and stops it in its cleanup.
command -v python3 > /dev/null || { echo "python3 is needed for the report" >&2; exit 1; }
deploy/install-deps.sh
echo "building (release)…"
# The products only: a plain `swift build` would also compile the tests' support module.
for product in nashra nashra-dev nashra-fetcher nashra-parser nashra-classifier nashra-store; do
    swift build -c release --product "$product" 2>&1 | { grep -E "error|Build complete" || true; } | tail -1
done
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d "/tmp/nashra-$2.XXXXXX")
export NASHRA_RMQ_DIR=$work/rabbitmq NASHRA_RMQ_NODE=nashra-$2-$$@localhost NASHRA_RMQ_PORT=$1
export NASHRA_RMQ_MGMT_PORT=$(($1 + 10000)) NASHRA_RMQ_PROM_PORT=$(($1 + 10001))
export NASHRA_AMQP_URL=amqp://guest:guest@127.0.0.1:$NASHRA_RMQ_PORT/
export NASHRA_AMQP_MANAGEMENT_URL=http://guest:guest@127.0.0.1:$NASHRA_RMQ_MGMT_PORT
export NASHRA_BIN_DIR=$bin NASHRA_WEB=0 NASHRA_LOG_LEVEL=warning NASHRA_FETCH_ALLOW_PRIVATE=127.0.0.1/32
