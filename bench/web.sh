#!/usr/bin/env bash
# The reader site under traffic while the store writes: a release build of `nashra-store web` serves an archive of
# ARTICLES articles (default 100,000: ANT's real articles topped up with articles recomposed from its sentences,
# made by `nashra-dev bench store`), `nashra-dev bench ingest` writes about RATE new articles a second into it (default
# 100, a quarter of them other outlets' copies, so stories and top stories change under the load), and wrk
# (Debian's package, on the same two cores) loads each page type in turn for SECONDS seconds (default 10) with
# CONNECTIONS connections (default 32), each request a page drawn at random from a few hundred of its kind.
# Prints a table and, last, one JSON line:
#   {"pages": {"home": {"rps", "p50_ms", "p99_ms", "errors"}, "article": …, "section": …, "story": …,
#    "source": …, "search": …, "search_new": …}, "ingest_per_s": …, "articles": …}
# "search" draws 3,000 different queries by popularity (Zipf), as readers ask them; "search_new" asks a new query
# every time (nothing served from the page cache).
# WEB_DB=path reuses an archive made by an earlier run (it is kept there; without WEB_DB it is made in a temporary
# folder and deleted).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${NASHRA_DATA:-../shared/data}
ant=$data/ant/ant-v2.1-dev.jsonl.gz
articles=${ARTICLES:-100000}
rate=${RATE:-100}
seconds=${SECONDS_EACH:-10}
connections=${CONNECTIONS:-32}
if [ ! -f "$ant" ]; then
    echo "skipping: $ant is absent (set NASHRA_DATA)"
    exit 0
fi
command -v wrk > /dev/null || { sudo -n true 2>/dev/null && sudo apt-get install -y wrk || apt-get install -y wrk; } \
    > /dev/null 2>&1
command -v wrk > /dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
for product in nashra nashra-dev nashra-store; do
    swift build -c release --product "$product" 2>&1 | { grep -E "error|complete" || true; } | tail -1
done
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d /tmp/nashra-web.XXXXXX)
cleanup() {
    kill "${web:-}" "${ingest:-}" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
db=${WEB_DB:-$work/web.sqlite}
if [ ! -f "$db" ]; then
    echo "making an archive of $articles articles in $db…"
    "$bin/nashra-dev" bench store --corpus "$ant" --db "$db" --articles "$articles" --queries 10 | grep -E "^insert"
fi
port=18791
base=http://127.0.0.1:$port
# wrk is one client standing for many readers: the per-client search budget is lifted for it.
NASHRA_SEARCHES_PER_MINUTE=100000 NASHRA_LOG_LEVEL=warning "$bin/nashra-store" web --db "$db" --port "$port" &
web=$!
for _ in $(seq 100); do curl -sf "$base/health" > /dev/null && break; sleep 0.2; done

# The pages each run draws from.
export BASE=$base
python3 - "$work" "$ant" <<'PY'
import json, os, random, sys, urllib.parse, urllib.request, gzip
work, ant = sys.argv[1], sys.argv[2]
base = os.environ["BASE"]
def get(path):
    with urllib.request.urlopen(base + path) as r:
        return json.load(r)
random.seed(7)
articles, cursor = [], None
while len(articles) < 2000:
    page = get("/api/articles?limit=200" + (f"&before={cursor}" if cursor else ""))
    articles += page["articles"]
    cursor = page.get("next")
    if not cursor:
        break
stories = [s["id"] for s in get("/api/stories?limit=100")["stories"]]
sources = [s["id"] for s in get("/api/sources")]
sections = [s["slug"] for s in get("/api/sections")]
titles = []
with gzip.open(ant, "rt") as f:
    for i, line in enumerate(f):
        if i % 50 == 0:
            titles.append(json.loads(line)["title"])
words = [w for t in titles for w in t.split() if len(w) >= 4]
paths = {
    "home": ["/"],
    "article": [f"/article/{a['id']}" for a in random.sample(articles, min(500, len(articles)))],
    "section": [f"/section/{s}" for s in sections],
    "story": [f"/story/{s}" for s in stories] or ["/"],
    "source": [f"/source/{s}" for s in sources],
}
# Searches as readers make them: 3,000 different queries of one or two title words, drawn by popularity (Zipf:
# the popular ones repeat, most of the tail is asked once), and, apart, queries that are all new.
queries = ["/search?q=" + urllib.parse.quote(" ".join(random.sample(words, random.randint(1, 2)))) for _ in range(3000)]
weights = [1 / (rank + 1) for rank in range(len(queries))]
paths["search"] = random.choices(queries, weights, k=20000)
paths["search-new"] = ["/search?q=" + urllib.parse.quote(" ".join(random.sample(words, 2))) + f"&n={i}"
                       for i in range(20000)]
for name, items in paths.items():
    with open(f"{work}/{name}.paths", "w") as out:
        out.write("\n".join(items) + "\n")
print("pages drawn from: " + ", ".join(f"{k} {len(v)}" for k, v in paths.items()))
PY
cat > "$work/paths.lua" <<'LUA'
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local counter = 0
request = function()
    counter = counter + 1
    return wrk.format("GET", paths[(counter - 1) % #paths + 1])
end
LUA

total=$((7 * (seconds + 1) + 10))
"$bin/nashra-dev" bench ingest --corpus "$ant" --db "$db" --rate "$rate" --seconds "$total" > "$work/ingest.log" 2>&1 &
ingest=$!
sleep 3
echo
echo "pages under wrk (1 thread, $connections connections, $seconds s each) while $rate articles/s are written"
printf "%-8s %10s %9s %9s %9s %8s\n" page "req/s" "p50 ms" "p90 ms" "p99 ms" errors
json=""
for page in home article section story source search search-new; do
    out=$(PATHS="$work/$page.paths" wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$work/paths.lua" "$base" 2>&1)
    line=$(python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
def ms(label):
    m = re.search(r"^\s*" + label + r"%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
errors = sum(int(x) for x in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
errors += sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
print(f"{rps:.0f} {ms('50'):.2f} {ms('90'):.2f} {ms('99'):.2f} {errors}")
PY
)
    read -r rps p50 p90 p99 errors <<< "$line"
    printf "%-8s %10s %9s %9s %9s %8s\n" "$page" "$rps" "$p50" "$p90" "$p99" "$errors"
    json+="${json:+, }\"${page/-/_}\": {\"rps\": $rps, \"p50_ms\": $p50, \"p99_ms\": $p99, \"errors\": $errors}"
done
wait "$ingest" || true
ingest=""
cat "$work/ingest.log"
ingested=$(sed -n 's/.* = \([0-9.]*\) articles\/s.*/\1/p' "$work/ingest.log")
count=$(curl -s "$base/api/articles?limit=1" > /dev/null; "$bin/nashra" articles --db "$db" --count)
echo "{\"pages\": {$json}, \"ingest_per_s\": ${ingested:-0}, \"articles\": $count}"
