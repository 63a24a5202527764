#!/usr/bin/env bash
# Fuzzing with libFuzzer, one target at a time:
#
#   deploy/fuzz.sh TARGET [--seconds S] [--runs N]
#
# Targets: dates (the ISO 8601, RFC 822, Arabic, Latin and URL date parsers), messages (the stages' message
# decoder, every message type), amqp-url (NASHRA_AMQP_URL, a cluster's nodes), extractor (the article extractor on a
# page's raw bytes and charset), feeds (RSS, Atom, JSON Feed, sitemaps, feed discovery, WebSub Link headers),
# robots (robots.txt and its path matching), urls (URL canonicalisation, which must be stable). The target (Tools/Fuzz<Target>) is
# built with -sanitize=fuzzer,address in a build folder of its own (.build/fuzz), then run on its seed corpus
# (Tests/Fixtures/fuzz/<target>, kept in the repository) for S seconds (default 60) or N executions; the inputs it
# finds are kept in .build/fuzz/corpus/<target>. An input slower than 1 s, a crash or a leak stops it, leaves the
# input in .build/fuzz/crashes/ and fails the script: replay it with the target's ordinary build
# (`swift run Fuzz<Target> FILE`) and make it a regression test. The last lines are libFuzzer's statistics.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: deploy/fuzz.sh TARGET [--seconds S] [--runs N]}
shift
seconds=60
runs=""
while [ $# -gt 0 ]; do
    case $1 in
        --seconds) seconds=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
    esac
done
case $target in
    dates) product=FuzzDates ;;
    messages) product=FuzzMessages ;;
    amqp-url) product=FuzzAMQPURL ;;
    extractor) product=FuzzExtractor ;;
    feeds) product=FuzzFeeds ;;
    robots) product=FuzzRobots ;;
    urls) product=FuzzURLs ;;
    *) echo "unknown target $target; one of: dates messages amqp-url extractor feeds robots urls" >&2; exit 64 ;;
esac
flags=(-c debug --scratch-path .build/fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
    -Xswiftc -DFUZZING)
swift build "${flags[@]}" --product "$product" 2>&1 | { grep -E "error|Build complete" || true; } | tail -3
bin=$(swift build "${flags[@]}" --show-bin-path)/$product
corpus=.build/fuzz/corpus/$target
crashes=.build/fuzz/crashes
mkdir -p "$corpus" "$crashes"
limit=(-max_total_time="$seconds")
[ -z "$runs" ] || limit=(-runs="$runs")
set +e
# Swift's own crash backtracer would read the stack under AddressSanitizer and add a report of its own.
SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=$PWD/deploy/lsan.supp:print_suppressions=0 \
    "$bin" "$corpus" "Tests/Fixtures/fuzz/$target" "${limit[@]}" -timeout=1 -rss_limit_mb=2048 \
    -artifact_prefix="$crashes/$target-" -print_final_stats=1 > "$crashes/../$target.log" 2>&1
status=$?
set -e
grep -vE "^#[0-9]+\s+(NEW|REDUCE|pulse)" "$crashes/../$target.log" | tail -n 25
exit $status
