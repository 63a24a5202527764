#!/usr/bin/env python3
"""The report of bench/soak.sh: a table per sample, then one JSON line.

Reads the soak's work folder: samples.jsonl (RSS per process, stored count, queue depths, one line a sample),
manifest.jsonl (each page with its publish time), the SQLite store (when each article was stored) and audit.json.
Freshness is publish to stored, by the minute the article was published in; "start" is the five minutes after
warm-up, "end" the last five minutes of publishing (shorter windows in short runs).
"""

import argparse
import json
import os
import sqlite3


def percentile(values, fraction):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(fraction * len(values)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--minutes", type=float, required=True)
    parser.add_argument("--warmup-minutes", type=float, default=5)
    args = parser.parse_args()

    with open(os.path.join(args.work, "samples.jsonl")) as handle:
        samples = [json.loads(line) for line in handle if line.strip()]
    with open(os.path.join(args.work, "manifest.jsonl")) as handle:
        pages = [json.loads(line) for line in handle if line.strip()]
    try:
        with open(os.path.join(args.work, "audit.json")) as handle:
            audit = json.loads(handle.read() or "{}")
    except (OSError, ValueError):
        audit = {}
    database = sqlite3.connect(os.path.join(args.work, "run", "nashra.sqlite"))
    stored_at = dict(database.execute("SELECT url, created_at FROM articles"))

    start = samples[0]["t"]
    warm = start + args.warmup_minutes * 60
    print(f"{'minute':>6} {'stored':>8} {'ready in queues':>15}  RSS MB by process")
    names = sorted({name for sample in samples for name in sample["rss_kb"]})
    print(f"{'':>6} {'':>8} {'':>15}  " + " ".join(f"{name[:12]:>12}" for name in names))
    for sample in samples:
        queues = (sample.get("status") or {}).get("queues") or []
        ready = sum(queue.get("ready") or 0 for queue in queues)
        row = " ".join(f"{sample['rss_kb'].get(name, 0) / 1024:>12.1f}" for name in names)
        print(f"{(sample['t'] - start) / 60:>6.1f} {sample['stored']:>8} {ready:>15}  {row}")

    # RSS and its anonymous part: first sample, the first sample at or after warm-up, last sample.
    warm_sample = next((s for s in samples if s["t"] >= warm), samples[-1])
    processes = {}
    for name in names:
        entry = {}
        for key, label in (("rss_kb", "rss"), ("anon_kb", "anon")):
            first = samples[0].get(key, {}).get(name, 0)
            at_warm = warm_sample.get(key, {}).get(name, 0)
            last = samples[-1].get(key, {}).get(name, 0)
            entry[f"{label}_first_mb"] = round(first / 1024, 1)
            entry[f"{label}_warm_mb"] = round(at_warm / 1024, 1)
            entry[f"{label}_last_mb"] = round(last / 1024, 1)
            entry[f"{label}_growth_after_warmup_pct"] = (
                round(100 * (last - at_warm) / at_warm, 1) if at_warm else None
            )
        processes[name] = entry

    # Freshness by publish time, over the good articles.
    published = [(page["published"], page["url"]) for page in pages if page.get("fate") == "stored"]
    first_published = min(p for p, _ in published)
    last_published = max(p for p, _ in published)
    window = min(300, max(60, (last_published - first_published - args.warmup_minutes * 60) / 2))
    start_window = (first_published + args.warmup_minutes * 60, first_published + args.warmup_minutes * 60 + window)
    end_window = (last_published - window, last_published + 1)

    def freshness(window_range):
        low, high = window_range
        delays = [stored_at[url] - p for p, url in published if low <= p < high and url in stored_at]
        return percentile(delays, 0.95), len(delays)

    start_p95, start_count = freshness(start_window)
    end_p95, end_count = freshness(end_window)
    workers = {name: value for name, value in processes.items() if name not in ("rabbitmq", "replay-site")}
    growths = [value["anon_growth_after_warmup_pct"] for value in workers.values()]
    goal = {
        "anon_rss_growth_at_most_10pct": all(g is not None and g <= 10 for g in growths),
        "freshness_end_no_worse": start_p95 is not None and end_p95 is not None and end_p95 <= start_p95,
        "nothing_lost": audit.get("lost") == 0,
    }
    print(f"freshness p95: {start_p95:.2f} s over {start_count} articles after warm-up, "
          f"{end_p95:.2f} s over {end_count} at the end (windows of {window:.0f} s)"
          if start_p95 is not None and end_p95 is not None else "freshness: not enough articles stored")
    for name, value in processes.items():
        print(f"  {name:<14} RSS {value['rss_first_mb']:>7.1f} → {value['rss_warm_mb']:>7.1f} (warm) → "
              f"{value['rss_last_mb']:>7.1f} MB ({value['rss_growth_after_warmup_pct']}% after warm-up); anonymous "
              f"{value['anon_first_mb']:>7.1f} → {value['anon_warm_mb']:>7.1f} → {value['anon_last_mb']:>7.1f} MB "
              f"({value['anon_growth_after_warmup_pct']}%)")
    print(json.dumps({
        "minutes": args.minutes,
        "rate": args.rate,
        "warmup_minutes": args.warmup_minutes,
        "cores": os.cpu_count(),
        "processes": processes,
        "freshness_p95_start_s": round(start_p95, 2) if start_p95 is not None else None,
        "freshness_p95_end_s": round(end_p95, 2) if end_p95 is not None else None,
        "expected": audit.get("expected"),
        "stored": audit.get("stored"),
        "lost": audit.get("lost"),
        "duplicates": audit.get("duplicates"),
        "dead_lettered": audit.get("dead_lettered"),
        "goal": goal,
    }, sort_keys=False))


if __name__ == "__main__":
    main()
