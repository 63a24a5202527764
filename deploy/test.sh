#!/usr/bin/env bash
# The second command: runs the whole test suite against a private RabbitMQ that it starts and stops itself.
# Extra arguments go to `swift test` (e.g. deploy/test.sh --filter Pipeline).
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
tmp=$(mktemp -d /tmp/nashra-test.XXXXXX)
export NASHRA_RMQ_DIR=$tmp/rabbitmq
export NASHRA_RMQ_NODE=nashra-test-$$@localhost
export NASHRA_RMQ_PORT=${NASHRA_TEST_RMQ_PORT:-5699}
export NASHRA_RMQ_MGMT_PORT=$((NASHRA_RMQ_PORT + 10000))
export NASHRA_RMQ_PROM_PORT=$((NASHRA_RMQ_PORT + 10001))
cleanup() { deploy/rabbitmq.sh stop > /dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT

echo "building…"
swift build --build-tests 2>&1 | grep -E "error|warning:|Build complete" | grep -v "swift-distributed-tracing" || true
deploy/rabbitmq.sh start
export NASHRA_TEST_AMQP_URL=amqp://guest:guest@127.0.0.1:$NASHRA_RMQ_PORT/
export NASHRA_TEST_BROKER_CTL=$PWD/deploy/rabbitmq.sh
export NASHRA_TEST_MANAGEMENT_URL=http://guest:guest@127.0.0.1:$NASHRA_RMQ_MGMT_PORT
export NASHRA_BIN_DIR=$(swift build --show-bin-path)
export NASHRA_REQUIRE_BROKER=1
swift test --skip-build "$@"
