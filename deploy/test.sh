#!/usr/bin/env bash
# The second command: runs the whole test suite against a private RabbitMQ and a private PostgreSQL that it starts
# and stops itself.
# Extra arguments go to `swift test` (e.g. deploy/test.sh --filter Pipeline). With `--sanitize thread` or
# `--sanitize address` first, everything is built and run under that sanitizer, in a build folder of its own
# (.build/sanitize-<name>), so the ordinary build is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
build=()
if [ "${1:-}" = "--sanitize" ]; then
    case ${2:-} in
        thread | address) build=(--sanitize="$2" --scratch-path ".build/sanitize-$2") ;;
        *) echo "--sanitize: thread or address" >&2; exit 64 ;;
    esac
    # Instrumented code runs several times slower: the tests' few bounds on elapsed time stretch with it. Leak
    # reports inside dependencies are suppressed, each named with why in deploy/lsan.supp.
    export NASHRA_TEST_TIME_SCALE=${NASHRA_TEST_TIME_SCALE:-5}
    export LSAN_OPTIONS=suppressions=$PWD/deploy/lsan.supp:print_suppressions=0
    shift 2
fi
deploy/install-deps.sh --test
tmp=$(mktemp -d /tmp/nashra-test.XXXXXX)
export NASHRA_RMQ_DIR=$tmp/rabbitmq
export NASHRA_RMQ_NODE=nashra-test-$$@localhost
export NASHRA_RMQ_PORT=${NASHRA_TEST_RMQ_PORT:-5699}
export NASHRA_RMQ_MGMT_PORT=$((NASHRA_RMQ_PORT + 10000))
export NASHRA_RMQ_PROM_PORT=$((NASHRA_RMQ_PORT + 10001))
cluster_port=5721  # the quorum-queue tests' own three-node cluster (QuorumClusterTests)
pg_port=${NASHRA_TEST_PG_PORT:-5732}  # the PostgreSQL store's tests (PostgresStoreTests)
cleanup() {
    NASHRA_PG_DIR=$tmp/postgres NASHRA_PG_PORT=$pg_port deploy/postgres.sh stop > /dev/null 2>&1 || true
    NASHRA_RMQ_DIR=$tmp/cluster NASHRA_RMQ_PORT=$cluster_port deploy/rabbitmq.sh cluster stop > /dev/null 2>&1 || true
    deploy/rabbitmq.sh stop > /dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

echo "building…"
if ! swift build "${build[@]}" --build-tests > "$tmp/build.log" 2>&1; then
    grep -E "error" "$tmp/build.log" | head -20
    echo "the build failed" >&2
    exit 1
fi
grep -E "warning:|Build complete" "$tmp/build.log" | grep -v "swift-distributed-tracing" || true
# The monitoring files: Prometheus's configuration, the alert rules and their unit tests, the dashboards' queries.
deploy/prometheus/check.sh
deploy/rabbitmq.sh start
NASHRA_PG_DIR=$tmp/postgres NASHRA_PG_PORT=$pg_port deploy/postgres.sh start
export NASHRA_TEST_POSTGRES_URL=postgres://nashra@127.0.0.1:$pg_port/nashra NASHRA_REQUIRE_POSTGRES=1
export NASHRA_TEST_AMQP_URL=amqp://guest:guest@127.0.0.1:$NASHRA_RMQ_PORT/
export NASHRA_TEST_BROKER_CTL=$PWD/deploy/rabbitmq.sh
# The quorum-queue tests start and stop a three-node cluster of their own here (ports from 5721).
export NASHRA_TEST_CLUSTER_DIR=$tmp/cluster NASHRA_TEST_CLUSTER_PORT=$cluster_port
export NASHRA_TEST_MANAGEMENT_URL=http://guest:guest@127.0.0.1:$NASHRA_RMQ_MGMT_PORT
export NASHRA_TEST_RABBITMQ_METRICS_URL=http://127.0.0.1:$NASHRA_RMQ_PROM_PORT
export NASHRA_BIN_DIR=$(swift build "${build[@]}" --show-bin-path)
export NASHRA_REQUIRE_BROKER=1
export NASHRA_REQUIRE_BROWSER=1
# The run's whole output (every log line of every test) goes to a file; the terminal gets each suite's verdict,
# every failure and the totals. A CI that captures the output gets a few kilobytes, not megabytes, and a run that
# hangs is stopped after NASHRA_TEST_TIMEOUT seconds with its last lines shown instead of waiting forever.
log=${NASHRA_TEST_LOG:-$PWD/.build/nashra-test.log}
limit=${NASHRA_TEST_TIMEOUT:-1800}
: > "$log"
rm -f "$log.stacks"
set +e
timeout -k 30 "$limit" swift test "${build[@]}" --skip-build "$@" > "$log" 2>&1 &
tests=$!
# A run whose output stops for NASHRA_TEST_STALL seconds (no test logs nothing that long) is stuck: every thread's
# stack goes to $log.stacks (gdb) before the run is stopped, so a hang leaves evidence, not only a timeout.
stall=${NASHRA_TEST_STALL:-600}
(
    while kill -0 "$tests" 2> /dev/null; do
        sleep 10
        [ $(($(date +%s) - $(stat -c %Y "$log"))) -ge "$stall" ] || continue
        pid=$(pgrep -f "NashraPackageTests.xctest" | head -1 || true)
        if [ -n "$pid" ] && command -v gdb > /dev/null; then
            gdb "$(readlink "/proc/$pid/exe")" -p "$pid" -batch -ex "thread apply all bt" > "$log.stacks" 2>&1 || true
        fi
        echo "no test output for $stall s (NASHRA_TEST_STALL): the run is stuck and is stopped" >> "$log"
        pkill -TERM -f "NashraPackageTests.xctest" || true
        break
    done
) &
watchdog=$!
tail -n +1 -f --pid=$tests "$log" | grep --line-buffered -E '^(✔ Suite|✔ Test run|✘|➜|.*(recorded an issue|skipped))' | stdbuf -oL cut -c1-400
wait $tests
status=$?
kill "$watchdog" 2> /dev/null || true
set -e
if [ $status -ne 0 ]; then
    [ $status -eq 124 ] && echo "the test run did not finish within $limit s (NASHRA_TEST_TIMEOUT); it was stopped"
    if [ -s "$log.stacks" ]; then
        echo "the stuck run's threads that were in Nashra's code (all of them: $log.stacks):"
        grep -E "^Thread|Nashra|Tests|Store|Fetch|Parser|Classifier|Reader" "$log.stacks" | head -n 120 | cut -c1-300
    fi
    echo "the test run failed (status $status); its last lines (the whole output: $log):"
    tail -n 40 "$log" | cut -c1-400
    exit $status
fi
echo "the whole output: $log"
