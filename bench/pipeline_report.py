#!/usr/bin/env python3
"""Report of bench/pipeline.sh: reads the run folders (audit.json, rss.txt, metrics-*.txt, depth.jsonl) and prints
the tables and the final JSON line. `--slowest RUN` prints the scalable stage that was busiest in RUN."""
import argparse
import json
import os
import re

STAGES = {"frontier": "frontier", "worker": "fetcher", "parser": "parser", "classifier": "classifier", "store": "store"}
QUEUES = ["fetch", "discovered", "pages", "articles", "classified"]
LINE = re.compile(r'^(\w+)\{([^}]*)\}\s+([0-9.eE+-]+)$')


def metrics(path):
    out = []
    for line in open(path, encoding="utf-8"):
        m = LINE.match(line.strip())
        if m:
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
            out.append((m.group(1), labels, float(m.group(3))))
    return out


def load(run):
    audit = json.load(open(os.path.join(run, "audit.json")))
    rss = {}
    for line in open(os.path.join(run, "rss.txt")):
        name, kb = line.split()
        rss[name] = int(kb or 0) / 1024
    per_stage = {}
    for file in os.listdir(run):
        if not file.startswith("metrics-"):
            continue
        service = file[len("metrics-"):-len(".txt")]
        kind = service.split("-")[0]
        if kind not in STAGES:
            continue
        stage = per_stage.setdefault(kind, {"instances": 0, "done": 0, "busy": 0.0, "batches": 0, "buckets": {}})
        stage["instances"] += 1
        for name, labels, value in metrics(os.path.join(run, file)):
            if labels.get("stage") != STAGES[kind]:
                continue
            if name == "nashra_stage_messages_total" and labels.get("outcome") == "done":
                stage["done"] += value
            elif name == "nashra_stage_batch_seconds_sum":
                stage["busy"] += value
            elif name == "nashra_stage_batch_seconds_count":
                stage["batches"] += value
            elif name == "nashra_stage_batch_seconds_bucket":
                le = float("inf") if labels["le"] == "+Inf" else float(labels["le"])
                stage["buckets"][le] = stage["buckets"].get(le, 0) + value
    depth = [json.loads(line) for line in open(os.path.join(run, "depth.jsonl")) if line.startswith("{")]
    return audit, rss, per_stage, depth


def quantile(buckets, q):
    """Upper bound of the histogram bucket holding quantile q (cumulative buckets)."""
    if not buckets:
        return None
    total = max(buckets.values())
    for le in sorted(buckets):
        if buckets[le] >= q * total:
            return le
    return None


def span(audit):
    return audit.get("span_s") or 0


def slowest(run):
    audit, _, stages, _ = load(run)
    seconds = span(audit) or 1
    # Utilisation of one instance: busy seconds over the run. The fetch worker runs many batches at once (waiting,
    # not computing), so its busy time is not comparable: it is never chosen by this rule.
    busiest = max(("parser", "classifier"), key=lambda k: stages.get(k, {}).get("busy", 0) / seconds)
    return "worker" if busiest not in stages else busiest


def fmt(value, digits=1):
    return "-" if value is None else f"{value:,.{digits}f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("work")
    parser.add_argument("--slowest", action="store_true")
    parser.add_argument("--hosts", type=int, default=0)
    parser.add_argument("--delay", type=int, default=0)
    parser.add_argument("--scale-stage", default="")
    args = parser.parse_args()
    if args.slowest:
        print(slowest(args.work))
        return
    audit, rss, stages, depth = load(os.path.join(args.work, "backlog"))
    seconds = span(audit)
    rate = audit["stored"] / seconds if seconds else 0
    print()
    print(f"Backlog run: {audit['expected']} articles (+{audit['hostile']} hostile pages) from {args.hosts} outlets, "
          f"host delay {args.delay} ms, all published at once")
    print(f"  stored {audit['stored']}, lost {audit['lost']}, duplicates {audit['duplicates']}, dead-lettered "
          f"{audit['dead_lettered']} (without reason {audit['dead_without_reason']})")
    print(f"  {seconds:.1f} s from publication to the last article stored: {rate:,.0f} articles/s end to end; "
          f"sustained (from a tenth to nine tenths stored) {fmt(audit.get('sustained_per_s'), 0)} articles/s")
    print()
    print("| stage | instances | messages | throughput (msg/s over the run) | busy share per instance | "
          "msg per busy second per instance | batch p50 ≤ | batch p95 ≤ |")
    print("|---|---|---|---|---|---|---|---|")
    for kind in ["frontier", "worker", "parser", "classifier", "store"]:
        s = stages.get(kind)
        if not s:
            continue
        n = s["instances"]
        busy = s["busy"] / n
        share = "many batches at once" if kind == "worker" else f"{busy / seconds:.0%}" if seconds else "-"
        capacity = "-" if kind == "worker" or not busy else f"{s['done'] / n / busy:,.0f}"
        print(f"| {STAGES[kind]} | {n} | {s['done']:,.0f} | {fmt(s['done'] / seconds if seconds else None)} | "
              f"{share} | {capacity} | {fmt(quantile(s['buckets'], 0.5), 3)} s | "
              f"{fmt(quantile(s['buckets'], 0.95), 3)} s |")
    print()
    print("Queue depth over time (ready + unacked; frontier: articles waiting for their host):")
    print("| t (s) | frontier | " + " | ".join(QUEUES) + " |")
    print("|---" * (len(QUEUES) + 2) + "|")
    if depth:
        t0, last = depth[0]["t"], None
        peaks = {q: 0 for q in QUEUES}
        for sample in depth:
            queues = {q["name"].split(".")[-1]: (q.get("ready") or 0) + (q.get("unacknowledged") or 0)
                      for q in sample["status"].get("queues", []) if q["name"].count(".") == 1}
            for q in QUEUES:
                peaks[q] = max(peaks[q], queues.get(q, 0))
            if last is None or sample["t"] - last >= 5:
                last = sample["t"]
                pending = (sample["status"].get("frontier") or {}).get("pendingArticles", "-")
                print(f"| {sample['t'] - t0:.0f} | {pending} | " + " | ".join(str(queues.get(q, 0)) for q in QUEUES)
                      + " |")
        print("| peak | | " + " | ".join(str(peaks[q]) for q in QUEUES) + " |")
    print()
    print("Peak RSS (VmHWM), MB: " + ", ".join(f"{k} {v:.0f}" for k, v in sorted(rss.items())))
    fresh = json.load(open(os.path.join(args.work, "fresh", "audit.json")))
    print(f"Freshness run: {fresh['expected']} articles published over time; publish-to-stored p50 "
          f"{fmt(fresh['freshness_p50_s'], 2)} s, p95 {fmt(fresh['freshness_p95_s'], 2)} s "
          f"(includes waiting for the next feed poll, every 1 s, and the 503/429-once articles' retry); "
          f"p95 of the articles served at the first request {fmt(fresh.get('freshness_first_try_p95_s'), 2)} s")
    scaling = {}
    if args.scale_stage:
        stage = args.scale_stage
        # Sustained rates: the whole-run figure also holds the slowest hosts' tail, which no stage changes.
        scaling[f"{stage} x1"] = audit.get("sustained_per_s") or 0
        for n in (2, 3):
            path = os.path.join(args.work, f"{stage}-x{n}", "audit.json")
            if os.path.exists(path):
                a = json.load(open(path))
                scaling[f"{stage} x{n}"] = a.get("sustained_per_s") or 0
                print(f"  {stage} x{n}: {a['stored']} stored, lost {a['lost']}, {span(a):.1f} s, "
                      f"sustained {fmt(a.get('sustained_per_s'), 0)} articles/s")
        print("Scaling the busiest stage (sustained articles/s): "
              + ", ".join(f"{k}: {v:,.0f}" for k, v in scaling.items()))
    max_rss = {}
    for name, mb in rss.items():
        kind = name.split("-")[0] if name.split("-")[0] in STAGES else name
        max_rss[kind] = round(max(max_rss.get(kind, 0), mb), 1)
    print(json.dumps({
        "articles": audit["expected"], "stored": audit["stored"], "seconds": round(seconds, 2),
        "articles_per_s": round(rate, 1), "sustained_per_s": audit.get("sustained_per_s"), "max_rss_mb": max_rss, "freshness_p95_s": fresh["freshness_p95_s"],
        "freshness_p50_s": fresh["freshness_p50_s"],
        "freshness_first_try_p95_s": fresh.get("freshness_first_try_p95_s"), "scaling": scaling, "hosts": args.hosts,
        "host_delay_ms": args.delay, "lost": audit["lost"], "duplicates": audit["duplicates"],
    }))


if __name__ == "__main__":
    main()
