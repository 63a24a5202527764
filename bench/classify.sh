#!/usr/bin/env bash
# Classifier benchmarks (release build), on the shared data (NASHRA_DATA, default ../shared/data):
# 1. topic model: Nashra vs scikit-learn TF-IDF + LinearSVC on the same splits of the ANT corpus (by outlet and
#    random, SaudiNewsNet's publisher sections), macro-F1 and docs/s, in one run (bench/topic_peer.py; installs
#    scikit-learn with pip if missing); `bench/classify.sh --ablation` adds the table of what each part is worth;
# 2. in-process speed: classification, signatures, training on 20,000 articles (`nashra-dev bench classify`);
# 3. story grouping on SaudiNewsNet: signature speed, precision and recall against an exact truth
#    (bench/neardup.py).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${NASHRA_DATA:-../shared/data}
ant=$data/ant/ant-v2.1-dev.jsonl.gz
map=Services/Classifier/Classifier/Resources/ant-label-map.json
if [ ! -f "$ant" ]; then
    echo "skipping: $ant is absent (set NASHRA_DATA)"
    exit 0
fi
for product in nashra nashra-dev; do
    swift build -c release --product "$product" 2>&1 | { grep -E "error|complete" || true; } | tail -3
done
bin=$(swift build -c release --show-bin-path)/nashra
if ! python3 -c "import sklearn" 2>/dev/null; then
    python3 -m pip install --quiet scikit-learn || echo "scikit-learn could not be installed: the peer's rows will fail"
fi
echo "== topic model: Nashra vs scikit-learn =="
saudi=$data/neardup/saudinewsnet/dataset
python3 bench/topic_peer.py "$@" "$bin" "$ant" "$map" $([ -d "$saudi" ] && echo "$saudi")
echo
echo "== in-process speed (shipped model) =="
"$bin-dev" bench classify --corpus "$ant" --label-map "$map"
echo
if [ -d "$data/neardup/saudinewsnet/dataset" ]; then
    echo "== story grouping on SaudiNewsNet =="
    python3 bench/neardup.py "$bin-dev" "$data/neardup/saudinewsnet/dataset"
else
    echo "skipping story grouping: $data/neardup/saudinewsnet is absent"
fi
