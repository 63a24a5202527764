#!/usr/bin/env bash
# The first command: set up, build, run the whole pipeline on the offline demo publisher, and show the result.
# Leaves everything running so you can read the articles at http://127.0.0.1:8080/ ; stop with: deploy/local.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
echo "building (the first build takes a few minutes)…"
swift build 2>&1 | { grep -E "error|Compiling|complete" || true; } | tail -3
bin=$(swift build --show-bin-path)
deploy/local.sh stop > /dev/null 2>&1 || true
rm -rf run/nashra.sqlite* run/state
deploy/local.sh start --demo
export NASHRA_AMQP_URL=amqp://guest:guest@127.0.0.1:${NASHRA_RMQ_PORT:-5673}/
export NASHRA_AMQP_MANAGEMENT_URL=http://guest:guest@127.0.0.1:${NASHRA_RMQ_MGMT_PORT:-15673}
export NASHRA_DB=$PWD/run/nashra.sqlite NASHRA_STATE_DIR=$PWD/run/state
# Waits up to $2 seconds for at least $1 stored articles; n is the count at the end.
wait_for_articles() {
    for _ in $(seq 1 "$2"); do
        n=$("$bin/nashra" articles --count 2>/dev/null || echo 0)
        [ "${n:-0}" -ge "$1" ] && return
        sleep 1
    done
}
expected=7
echo "waiting for the $expected demo articles to go fetcher → parser → classifier → store…"
wait_for_articles $expected 120
# The demo publisher's hub: the frontier subscribed to its feeds (WebSub); some seconds later the publisher puts
# out one more article, and the hub pushes it at once, without waiting for the next poll.
echo "waiting for the publisher's hub to push its next article (WebSub)…"
wait_for_articles $((expected + 1)) 90
[ "${n:-0}" -gt $expected ] && echo "pushed by the hub and stored: the newest article below" \
    || echo "no article pushed yet (see run/logs/frontier.log)"
echo
"$bin/nashra" articles --limit 20
echo
# A fresh broker publishes queue statistics after its first collection tick: wait for them (unacked counts, rates).
for _ in $(seq 1 15); do
    "$bin/nashra" status 2>/dev/null | grep -q "management API)" && break
    sleep 1
done
"$bin/nashra" status
echo
# The demo's wire story, told by both outlets: its page gathers the two copies («التغطية الكاملة»).
"$bin/nashra" stories --limit 5
echo
echo "Read them: http://127.0.0.1:8080/   (sources: /sources, JSON: /api/articles and /api/stories)"
echo "Stop everything: deploy/local.sh stop"
