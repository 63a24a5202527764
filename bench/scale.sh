#!/usr/bin/env bash
# Live scaling on this host without Docker: a backlog of fetched pages waits for the parsers; one parser starts on
# it, then `deploy/local.sh scale parser N` adds more while it drains. Prints `nashra status` figures over time
# (backlog, rate, advice) and the drain rate before and after. Release build, private RabbitMQ, replay publisher.
#
#   bench/scale.sh [--articles N] [--hosts H] [--to N] [--phase-seconds S]
set -euo pipefail
cd "$(dirname "$0")/.."
articles=40000 hosts=100 to=3 phase=20
while [ $# -gt 0 ]; do
    case $1 in
        --articles) articles=$2; shift 2 ;;
        --hosts) hosts=$2; shift 2 ;;
        --to) to=$2; shift 2 ;;
        --phase-seconds) phase=$2; shift 2 ;;
        *) echo "unknown option $1 (see the header of $0)" >&2; exit 64 ;;
    esac
done
. bench/release-run.sh 5694 scale
export NASHRA_PORT_BASE=9600 NASHRA_HOST_DELAY_MS=50
export NASHRA_RUN_DIR=$work/run NASHRA_DB=$work/run/nashra.sqlite NASHRA_STATE_DIR=$work/run/state
export NASHRA_QUEUE_PREFIX=scale NASHRA_SOURCES=$work/sources.yml
export NASHRA_SCALE_WORKER=2 NASHRA_SCALE_PARSER=0 NASHRA_SCALE_CLASSIFIER=1
replay=""
cleanup() {
    deploy/local.sh stop --keep-broker > /dev/null 2>&1 || true
    [ -z "$replay" ] || kill "$replay" 2> /dev/null || true
    deploy/rabbitmq.sh stop > /dev/null 2>&1 || true
}
trap cleanup EXIT
deploy/rabbitmq.sh start > /dev/null
"$bin/nashra-dev" replay-site --articles "$articles" --hosts "$hosts" --port 8950 --rate 0 --hostile 0 \
    --flaky-every 0 --sources "$work/sources.yml" > "$work/replay.log" 2>&1 &
replay=$!
until [ -s "$work/sources.yml" ]; do sleep 0.2; done
deploy/local.sh start > /dev/null

pages() { "$bin/nashra" status --json 2> /dev/null | python3 -c '
import json, sys
q = next(q for q in json.load(sys.stdin)["queues"] if q["name"] == "scale.pages")
print((q.get("ready") or 0) + (q.get("unacknowledged") or 0))'; }
echo "fetching $articles pages from $hosts outlets with no parser running…"
fetch_start=$SECONDS
for _ in $(seq 1 600); do
    [ "$(pages)" -ge $((articles * 98 / 100)) ] && break
    sleep 1
done
echo "backlog: $(pages) pages waiting in scale.pages after $((SECONDS - fetch_start)) s; $(nproc) cores"

# sample LABEL: every 2 s for the phase, the exact depth of the pages queue (rabbitmqctl) and what `nashra status`
# says (its figures come from the management API, which samples every 5 s); one JSON line each.
sample() {
    local label=$1 end=$((SECONDS + phase))
    while [ $SECONDS -lt $end ]; do
        local depth
        depth=$(deploy/rabbitmq.sh status 2> /dev/null | awk '$1 == "scale.pages" {print $2 + $3; exit}')
        printf '{"phase":"%s","t":%s,"depth":%s,"status":%s}\n' "$label" "$(date +%s.%N)" "${depth:-null}" \
            "$("$bin/nashra" status --json --drain-target 2m 2> /dev/null | tr -d '\n')" >> "$work/samples.jsonl"
        sleep 1
    done
}
deploy/local.sh scale parser 1 > /dev/null
sample "1 parser"
deploy/local.sh scale parser "$to" > /dev/null
sample "$to parsers"
"$bin/nashra" status --drain-target 2m > "$work/final-status.txt" 2>&1 || true

python3 - "$work/samples.jsonl" << 'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
def pages(row):
    return next(q for q in row["status"]["queues"] if q["name"] == "scale.pages")
def advice(row):
    return next(a for a in row["status"]["advice"] if a["stage"] == "pages")
print("| t (s) | parsers | pages waiting | out/s (30 s average) | `nashra status --drain-target 2m` says |")
print("|---|---|---|---|---|")
t0 = rows[0]["t"]
for row in rows:
    q = pages(row)
    print(f'| {row["t"] - t0:.0f} | {q.get("consumers")} | {row["depth"]} | {q.get("outRate") or 0:.0f} | {advice(row)["summary"]} |')
print()
for phase in dict.fromkeys(r["phase"] for r in rows):
    part = [r for r in rows if r["phase"] == phase and r["depth"] is not None]
    # From the first sample at which the phase's parsers had started taking pages, to the last before it emptied.
    moving = [r for r in part if r["depth"] > 0]
    first, last = moving[0], moving[-1]
    rate = (first["depth"] - last["depth"]) / (last["t"] - first["t"]) if last["t"] > first["t"] else 0
    print(f"{phase}: the backlog drained at {rate:.0f} pages/s ({first['depth']} → {last['depth']} in {last['t'] - first['t']:.0f} s)")
PY
cat "$work/final-status.txt"
