#!/usr/bin/env python3
"""The health section on a provider the model never saw: SaudiNewsNet's Saudi outlets (2015), against topic labels
written by hand for a random sample of 1,800 of its articles (bench/saudinewsnet-topics.tsv, which says how).

Prints how many of the health stories are filed under health, how many technology stories and other stories are
filed under health, then `nashra evaluate` on the same articles (labels health, technology and other; the model
never predicts `other`, so read its confusion rows, not its macro-F1).

Usage: health.py NASHRA_BINARY DATASET_DIR [MODEL]
"""
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter


def main():
    binary, dataset = sys.argv[1:3]
    model = ["--model", sys.argv[3]] if len(sys.argv) > 3 else []
    labels = {}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "saudinewsnet-topics.tsv")) as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                key, label = line.split()
                labels[key] = label
    docs = []
    for path in sorted(glob.glob(os.path.join(dataset, "*.zip"))):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                for article in json.loads(archive.read(name)):
                    key = hashlib.sha1(article["url"].encode()).hexdigest()[:16]
                    if key in labels:
                        docs.append({"id": key, "outlet": article["source"], "title": article["title"],
                                     "text": article["content"], "category": labels[key]})
    if len(docs) != len(labels):
        print(f"{len(labels) - len(docs)} labelled articles are not in {dataset}")
    payload = "".join(json.dumps({k: d[k] for k in ("id", "title", "text")}, ensure_ascii=False) + "\n" for d in docs)
    out = subprocess.run([binary, "classify"] + model, input=payload.encode(), check=True,
                         capture_output=True).stdout.decode()
    rows = {row["id"]: row for row in map(json.loads, out.splitlines())}
    predicted = {key: row["category"] for key, row in rows.items()}
    filed = {label: Counter() for label in ("health", "technology", "other")}
    for d in docs:
        filed[d["category"]][predicted[d["id"]]] += 1
    print(f"{len(docs)} articles of {len({d['outlet'] for d in docs})} Saudi outlets, labelled by hand; "
          f"where the model files them:")
    for label, counts in filed.items():
        total = sum(counts.values())
        top = ", ".join(f"{name} {count}" for name, count in counts.most_common(4))
        print(f"  {label:<10} {total:>5}: under health {counts['health'] / total:.3f} ({counts['health']})   [{top}]")
    under_health = sum(counts["health"] for counts in filed.values())
    for section in ("health", "technology"):
        chosen = [d for d in docs if predicted[d["id"]] == section]
        sure = [d for d in chosen if rows[d["id"]]["confidence"] >= 0.5]
        if chosen:
            print(f"  precision of {section}: {sum(d['category'] == section for d in chosen) / len(chosen):.3f} "
                  f"of {len(chosen)} filed under it; {sum(d['category'] == section for d in sure) / max(1, len(sure)):.3f}"
                  f" of the {len(sure)} not marked uncertain (confidence >= 0.5)")
    print("  (`other` holds the Saudi local news, accidents, weather and universities that no section of the taxonomy "
          "covers: every section receives some of it)")
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as handle:
        for d in docs:
            handle.write(json.dumps(d, ensure_ascii=False) + "\n")
    try:
        print("\n== nashra evaluate ==")
        run = subprocess.run([binary, "evaluate", "--corpus", handle.name] + model, check=True,
                             capture_output=True, text=True)
        print(run.stdout.split("== within each outlet")[0].strip())
    finally:
        os.unlink(handle.name)


if __name__ == "__main__":
    main()
