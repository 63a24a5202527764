#!/usr/bin/env python3
"""Topic classification: Nashra against scikit-learn's TF-IDF + LinearSVC, on the same splits, in one run.

Splits of the ANT dev corpus:
- by outlet (the honest one): train on two outlets, test on the third, for each outlet in turn;
- random (for reference): 80/20, stratified by label, fixed seed.

Both systems see the same articles (title + text). Both are scored by the same code (scikit-learn's
f1_score, macro over the labels present in the test truth), twice:
- "as predicted": the label the system outputs;
- "outlet's labels": the system's best label among the labels the test outlet uses, where a model label the
  outlet lacks counts for the outlet label it falls under (ant-label-map.json: Al Arabiya files Middle East news
  under internationalNews). The peer gets the same treatment (decision scores, max per outlet label), so the
  comparison stays fair; only Nashra trains with the partial labels, which is its design.

Usage: topic_peer.py NASHRA_BINARY CORPUS LABEL_MAP
"""
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.svm import LinearSVC


def read(path):
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def outlet_label(model_label, outlet, outlet_labels, label_map):
    if model_label in outlet_labels:
        return model_label
    for label in sorted(outlet_labels):
        if model_label in label_map.get(outlet, {}).get(label, [label]):
            return label
    return None


def restrict(scores_per_doc, labels, outlets, outlet_sets, label_map, combine):
    result = []
    for scores, outlet in zip(scores_per_doc, outlets):
        mass = {}
        for label, score in zip(labels, scores):
            target = outlet_label(label, outlet, outlet_sets[outlet], label_map)
            if target is not None:
                mass[target] = combine(mass[target], score) if target in mass else score
        result.append(max(sorted(mass), key=lambda key: mass[key]))
    return result


def macro_f1(truth, predicted):
    return f1_score(truth, predicted, labels=sorted(set(truth)), average="macro", zero_division=0)


def run_nashra(binary, train_path, test_docs, label_map_path, workdir):
    model = os.path.join(workdir, "model.nmodel")
    started = time.perf_counter()
    subprocess.run(
        [binary, "train", "--corpus", train_path, "--out", model, "--label-map", label_map_path],
        check=True, stdout=subprocess.DEVNULL,
    )
    train_seconds = time.perf_counter() - started
    payload = "".join(
        json.dumps({"id": d["id"], "title": d["title"], "text": d["text"]}, ensure_ascii=False) + "\n"
        for d in test_docs
    )
    started = time.perf_counter()
    out = subprocess.run(
        [binary, "classify", "--model", model, "--scores"], input=payload.encode(), check=True, capture_output=True
    ).stdout.decode()
    classify_seconds = time.perf_counter() - started
    rows = [json.loads(line) for line in out.splitlines()]
    labels = sorted(rows[0]["scores"])
    return (
        [r["category"] for r in rows],
        [[r["scores"][label] for label in labels] for r in rows],
        labels,
        train_seconds,
        classify_seconds,
    )


def run_peer(train_docs, test_docs):
    text = lambda d: d["title"] + "\n" + d["text"]
    started = time.perf_counter()
    vectorizer = TfidfVectorizer()
    features = vectorizer.fit_transform([text(d) for d in train_docs])
    model = LinearSVC()
    model.fit(features, [d["category"] for d in train_docs])
    train_seconds = time.perf_counter() - started
    started = time.perf_counter()
    scores = model.decision_function(vectorizer.transform([text(d) for d in test_docs]))
    predicted = list(model.classes_[scores.argmax(axis=1)])
    classify_seconds = time.perf_counter() - started
    return predicted, scores.tolist(), list(model.classes_), train_seconds, classify_seconds


def main():
    binary, corpus, label_map_path = sys.argv[1:4]
    docs = read(corpus)
    label_map = json.load(open(label_map_path))
    outlets = sorted({d["outlet"] for d in docs})
    splits = [(f"test {o}", [d for d in docs if d["outlet"] != o], [d for d in docs if d["outlet"] == o]) for o in outlets]
    rng = random.Random(20261129)
    shuffled = docs[:]
    rng.shuffle(shuffled)
    by_label = {}
    for d in shuffled:
        by_label.setdefault(d["category"], []).append(d)
    train, test = [], []
    for group in by_label.values():
        cut = len(group) // 5
        test += group[:cut]
        train += group[cut:]
    splits.append(("random 80/20", train, test))

    print(f"{len(docs)} articles, outlets {', '.join(outlets)}; scikit-learn TF-IDF + LinearSVC vs Nashra")
    print(f"{'split':<16}{'system':<10}{'train n':>8}{'train s':>9}{'test n':>8}{'docs/s':>9}"
          f"{'F1 as predicted':>17}{'F1 outlet labels':>18}")
    summary = {}
    with tempfile.TemporaryDirectory() as workdir:
        for name, train_docs, test_docs in splits:
            train_path = os.path.join(workdir, "train.jsonl")
            with open(train_path, "w", encoding="utf-8") as handle:
                for d in train_docs:
                    handle.write(json.dumps(d, ensure_ascii=False) + "\n")
            truth = [d["category"] for d in test_docs]
            test_outlets = [d["outlet"] for d in test_docs]
            outlet_sets = {}
            for d in test_docs:
                outlet_sets.setdefault(d["outlet"], set()).add(d["category"])
            for system in ("peer", "nashra"):
                if system == "peer":
                    predicted, scores, labels, train_s, classify_s = run_peer(train_docs, test_docs)
                    combine = max
                else:
                    predicted, scores, labels, train_s, classify_s = run_nashra(
                        binary, train_path, test_docs, label_map_path, workdir
                    )
                    combine = lambda a, b: a + b
                restricted = restrict(scores, labels, test_outlets, outlet_sets, label_map, combine)
                raw_f1, outlet_f1 = macro_f1(truth, predicted), macro_f1(truth, restricted)
                summary.setdefault(system, []).append((name, raw_f1, outlet_f1))
                label = "sklearn" if system == "peer" else "nashra"
                print(f"{name:<16}{label:<10}{len(train_docs):>8}{train_s:>9.1f}{len(test_docs):>8}"
                      f"{len(test_docs) / classify_s:>9.0f}{raw_f1:>17.3f}{outlet_f1:>18.3f}", flush=True)
    for system, rows in summary.items():
        outlet_rows = [r for r in rows if r[0].startswith("test ")]
        print(f"mean over unseen outlets, {'sklearn' if system == 'peer' else 'nashra'}: "
              f"as predicted {sum(r[1] for r in outlet_rows) / len(outlet_rows):.3f}, "
              f"outlet labels {sum(r[2] for r in outlet_rows) / len(outlet_rows):.3f}")
    print("docs/s here is each system's command end to end on the test set (Nashra: a process reading and writing "
          "JSON lines; scikit-learn: transform + decision_function in memory); `nashra bench classify` gives "
          "Nashra's in-process rate.")


if __name__ == "__main__":
    main()
