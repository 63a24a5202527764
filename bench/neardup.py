#!/usr/bin/env python3
"""Story grouping on SaudiNewsNet (31,030 articles, 14 Saudi outlets, July-August 2015): Nashra's signatures,
bands and verdicts (`nashra-dev bench neardup`) scored against a truth computed here, independently, by exact
set arithmetic.

Truth: two articles from *different outlets* tell the same story when at least half of the shorter one's word
5-shingles (normalised: diacritics and tatweel removed, alef/yaa/taa marbuta folded) appear in the other
(containment >= 0.5) -- a copy of one wire story, lightly edited, shortened or with a paragraph added.
Shingles found in more than 100 articles (boilerplate, datelines) do not make a pair.
Pairs within one outlet are left out of both sides (the product groups stories across outlets).

Usage: neardup.py NASHRA_BINARY DATASET_DIR
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict

DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")
FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
WORD = re.compile(r"\w+")


def shingles(text, n=5):
    words = WORD.findall(DIACRITICS.sub("", text).translate(FOLD).lower())
    return {hash(tuple(words[i:i + n])) for i in range(max(1, len(words) - n + 1))} if words else set()


def main():
    binary, dataset = sys.argv[1:3]
    docs = []
    for path in sorted(glob.glob(os.path.join(dataset, "*.zip"))):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                for article in json.loads(archive.read(name)):
                    docs.append(article)
    for index, doc in enumerate(docs):
        doc["id"] = str(index)

    with tempfile.TemporaryDirectory() as workdir:
        corpus = os.path.join(workdir, "corpus.jsonl")
        with open(corpus, "w", encoding="utf-8") as handle:
            for doc in docs:
                handle.write(json.dumps({"id": doc["id"], "source": doc["source"], "title": doc["title"],
                                         "text": doc["content"]}, ensure_ascii=False) + "\n")
        pairs_path = os.path.join(workdir, "pairs.jsonl")
        extra = os.environ.get("NEARDUP_BAND_WIDTH")  # try another band index: slots per band
        run = subprocess.run([binary, "bench", "neardup", "--corpus", corpus, "--pairs", pairs_path]
                             + (["--band-width", extra] if extra else []),
                             check=True, capture_output=True, text=True)
        print(run.stdout.strip())
        candidates = [json.loads(line) for line in open(pairs_path)]

    started = time.perf_counter()
    sets = [shingles(doc["title"] + "\n" + doc["content"]) for doc in docs]
    postings = defaultdict(list)
    for index, items in enumerate(sets):
        for item in items:
            postings[item].append(index)
    shared = defaultdict(int)
    for members in postings.values():
        if 1 < len(members) <= 100:
            for i in range(len(members)):
                for j in range(i + 1, len(members)):
                    shared[(members[i], members[j])] += 1
    truth = set()
    for (a, b), count in shared.items():
        if docs[a]["source"] == docs[b]["source"]:
            continue
        smaller = min(len(sets[a]), len(sets[b]))
        if smaller >= 5 and count / smaller >= 0.5:
            truth.add((a, b))
    print(f"truth: {len(truth)} cross-outlet pairs with 5-shingle containment >= 0.5 "
          f"(exact, computed in {time.perf_counter() - started:.0f} s)")

    def key(pair):
        a, b = int(pair["a"]), int(pair["b"])
        return (min(a, b), max(a, b))

    cross = [p for p in candidates if docs[int(p["a"])]["source"] != docs[int(p["b"])]["source"]]
    def row(label, found):
        hits = len(found & truth)
        precision = hits / len(found) if found else 0
        recall = hits / len(truth) if truth else 0
        f1 = 2 * precision * recall / (precision + recall) if hits else 0
        print(f"{label:>22} {len(found):>8} {precision:>10.3f} {recall:>7.3f} {f1:>6.3f}")

    print(f"{'estimated similarity':>22} {'grouped':>8} {'precision':>10} {'recall':>7} {'F1':>6}")
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7):
        row(f">= {threshold:.2f}", {key(p) for p in cross if p["similarity"] >= threshold})
    row("the store's verdict", {key(p) for p in cross if p["grouped"]})
    row("every candidate", {key(p) for p in cross})
    print("(the store's verdict: estimated similarity >= 0.2 or estimated containment >= 0.5, then >= 0.7 of the shorter text's word 3-shingles "
          "found in the other, counted exactly on the texts)")

if __name__ == "__main__":
    main()
