#!/usr/bin/env bash
# Extraction benchmark (release build): Nashra and trafilatura (installed with pip if missing) on the same
# pages of ../shared/data/extraction (NASHRA_DATA), in one run: pages/s, MB/s, snippet F1 (trafilatura's
# evaluation) and bag-of-words F1 on the fundus pages. See bench/extract_peer.py.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${NASHRA_DATA:-../shared/data}
if [ ! -d "$data/extraction/trafilatura-dev" ]; then
    echo "skipping: $data/extraction is absent (set NASHRA_DATA)"
    exit 0
fi
swift build -c release --product nashra 2>&1 | { grep -E "error|complete" || true; } | tail -3
python3 -c "import trafilatura" 2>/dev/null || python3 -m pip install --quiet trafilatura lxml_html_clean
taskset -c 0 python3 bench/extract_peer.py "$(swift build -c release --show-bin-path)/nashra" "$data"
