#!/usr/bin/env bash
# A soak: the whole pipeline (release build, deploy/local.sh on a private RabbitMQ) kept busy for a long time at a
# steady rate, to see what grows. The replay publisher (`nashra-dev replay-site --rate`) publishes R articles a
# second over H outlets for M minutes; the frontier polls their feeds every P seconds (10 by default: each feed
# lists its newest 200 pages, so at 100 articles a second over 50 outlets a poll sees 20 new; polling every second
# made the fetch worker spend most of its core parsing feeds).
#
#   bench/soak.sh [--minutes M] [--rate R] [--hosts H] [--poll-seconds P] [--warmup-minutes W] [--sample-seconds S]
#
# Every S seconds (60 by default) it records each process's RSS (every stage, RabbitMQ, the replay publisher), the
# queue depths (`nashra status --json`) and how many articles are stored. At the end it waits for the pipeline to
# settle, counts the run exactly (`nashra-dev audit`) and prints a table per sample, then one JSON line: each
# process's RSS and anonymous RSS at the first, the warm-up (minute W) and the last sample, their growth after
# warm-up (the goal is judged on the anonymous part: the store maps its SQLite file, whose pages count in RSS), freshness
# (publish to stored) p95 over the first and the last five minutes after warm-up, and the audit's counts.
# Goal (issue 24): at 60 minutes and 100 articles a second, every worker grows at most 10% after the first 5
# minutes, freshness p95 at the end no worse than at the start, nothing lost.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=60 rate=100 hosts=50 poll=10 warmup=5 every=60
while [ $# -gt 0 ]; do
    case $1 in
        --minutes) minutes=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --hosts) hosts=$2; shift 2 ;;
        --poll-seconds) poll=$2; shift 2 ;;
        --warmup-minutes) warmup=$2; shift 2 ;;
        --sample-seconds) every=$2; shift 2 ;;
        *) echo "unknown option $1 (see the header of $0)" >&2; exit 64 ;;
    esac
done
. bench/release-run.sh 5698 soak
# One fetch in flight per host, 100 ms apart: 50 outlets take up to 500 pages a second, five times the rate.
export NASHRA_PORT_BASE=9600 NASHRA_HOST_DELAY_MS=${NASHRA_HOST_DELAY_MS:-100} NASHRA_POLL_INTERVAL=$poll
export NASHRA_RUN_DIR=$work/run NASHRA_DB=$work/run/nashra.sqlite NASHRA_STATE_DIR=$work/run/state
export NASHRA_QUEUE_PREFIX=soak NASHRA_SOURCES=$work/sources.yml
replay="" sampler=""
cleanup() {
    [ -z "$sampler" ] || kill "$sampler" 2> /dev/null || true
    deploy/local.sh stop --keep-broker > /dev/null 2>&1 || true
    [ -z "$replay" ] || kill "$replay" 2> /dev/null || true
    deploy/rabbitmq.sh stop > /dev/null 2>&1 || true
}
trap cleanup EXIT
deploy/rabbitmq.sh start > /dev/null

articles=$(python3 -c "print(int($rate * $minutes * 60))")
echo "soak: $articles articles at $rate/s over $hosts outlets for $minutes min; $(nproc) cores; work in $work"
# Each feed lists its newest 200 pages, as publishers' feeds do (every page so far would make a feed of thousands).
"$bin/nashra-dev" replay-site --articles "$articles" --hosts "$hosts" --port 8950 --rate "$rate" --poll-interval "$poll" \
    --feed-items 200 \
    --manifest "$work/manifest.jsonl" --sources "$work/sources.yml" > "$work/replay.log" 2>&1 &
replay=$!
until [ -s "$work/sources.yml" ]; do sleep 0.2; done
# A plan of many articles takes the publisher a while: start the pipeline once its last outlet answers (a robots.txt
# that cannot be fetched means "disallow all" for ten minutes).
until curl -sf -o /dev/null "http://127.0.0.1:$((8950 + hosts - 1))/robots.txt"; do sleep 0.5; done
deploy/local.sh start > /dev/null

# Resident memory of a process in kB: all of it (VmRSS), and its anonymous part (RssAnon: heap and stacks, without
# the file pages it maps, such as SQLite's memory-mapped database, which the kernel can drop at will).
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2> /dev/null || echo 0; }
anon_kb() { awk '/^RssAnon/ {print $2}' "/proc/$1/status" 2> /dev/null || echo 0; }
sample() {
    local rss="" anon="" name pid pidfile
    for pidfile in "$NASHRA_RUN_DIR"/pids/*.pid "$NASHRA_RMQ_DIR/rabbitmq.pid" replay; do
        case $pidfile in
            replay) name=replay-site pid=$replay ;;
            "$NASHRA_RMQ_DIR/rabbitmq.pid") name=rabbitmq pid=$(cat "$pidfile") ;;
            *) name=$(basename "$pidfile" .pid) pid=$(cat "$pidfile") ;;
        esac
        rss+="\"$name\":$(rss_kb "$pid"),"
        anon+="\"$name\":$(anon_kb "$pid"),"
    done
    printf '{"t":%s,"stored":%s,"rss_kb":{%s},"anon_kb":{%s},"status":%s}\n' "$(date +%s)" \
        "$("$bin/nashra" articles --count 2> /dev/null || echo 0)" "${rss%,}" "${anon%,}" \
        "$("$bin/nashra" status --json 2> /dev/null | tr -d '\n' || echo null)"
}
(
    while true; do
        sample
        sleep "$every"
    done
) > "$work/samples.jsonl" &
sampler=$!
sleep $((minutes * 60))
sample >> "$work/samples.jsonl"
kill "$sampler" 2> /dev/null || true
sampler=""
"$bin/nashra-dev" audit --manifest "$work/manifest.jsonl" --case soak --wait 900 > "$work/audit.json" || true
python3 bench/soak_report.py --work "$work" --rate "$rate" --minutes "$minutes" --warmup-minutes "$warmup"
