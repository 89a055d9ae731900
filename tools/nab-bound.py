#!/usr/bin/env python3
"""How far burst size alone can take a NAB score: the labelled windows against the unlabelled bursts of the same file.

Reads what `outage evaluate --json` wrote (the windows found, with their scores, and the false positives) and the
`timestamp,value,...,expected` CSVs `outage replay` wrote for the same files, then measures every event by its peak:
a labelled window by the largest bucket inside it, a false positive by the largest bucket within 15 minutes of it, each
as a ratio over the detector's expectation and over the median of the three days before (the measure the held-back
report used). For each measure it then asks, file by file, which single threshold on that peak would have scored best
(an oracle: it looks at the labels, per file, which no detector may do), keeping each found window's own score (its
timing) and charging each false positive NAB's standard cost. If even that oracle stays below a goal, no detector that
ranks events by their size reaches it without finding windows that hold no surge.

    outage evaluate ../shared/nab/data --labels ../shared/nab/labels/combined_windows.json --json out/eval.json
    outage replay ../shared/nab/data/realTweets --output out/replay
    tools/nab-bound.py out/eval.json out/replay

Stdlib only.
"""
import argparse
import csv
import datetime as dt
import json
import os
import statistics

FP_COST = 0.11      # NAB standard profile: a false positive far from any window
MISS_COST = 1.0     # a window with no detection
NEAR = 3            # buckets either side of a false positive in which its peak is looked for


def parse(timestamp):
    return dt.datetime.fromisoformat(timestamp.replace("T", " ")[:19])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("evaluation", help="the JSON written by `outage evaluate --json`")
    parser.add_argument("replayed", help="the folder written by `outage replay` for the same files")
    args = parser.parse_args()
    evaluation = json.load(open(args.evaluation))
    measures = {"over the expectation": lambda v, e, m: v / e, "over the three-day median": lambda v, e, m: v / max(m, 1)}
    totals = {name: 0.0 for name in measures}
    windows_total = 0
    for result in evaluation["files"]:
        name = os.path.basename(result["file"])
        with open(os.path.join(args.replayed, name), newline="") as f:
            rows = list(csv.DictReader(f))
        times = [parse(r["timestamp"]) for r in rows]
        values = [float(r["value"]) for r in rows]
        expected = [max(float(r["expected"]), 1e-9) for r in rows]
        index = {t: i for i, t in enumerate(times)}

        def median_before(i):
            return statistics.median(values[max(0, i - 864):i]) if i > 0 else values[0]

        windows, bursts = [], []
        for w in result["windows"]:
            inside = [i for i in range(len(rows)) if parse(w["start"]) <= times[i] <= parse(w["end"])]
            peak = max(inside, key=lambda i: values[i] / expected[i])
            windows.append((w["found"], w["score"] if w["found"] else -MISS_COST, peak, median_before(inside[0])))
        for p in result["falsePositives"]:
            i = index[parse(p["at"])]
            near = range(max(0, i - NEAR), min(len(rows), i + NEAR + 1))
            peak = max(near, key=lambda j: values[j] / expected[j])
            bursts.append((peak, median_before(i)))
        windows_total += len(windows)

        line = [f"{name}:"]
        for measure_name, measure in measures.items():
            sizes_w = [(found, score, measure(values[i], expected[i], m)) for found, score, i, m in windows]
            sizes_b = [measure(values[i], expected[i], m) for i, m in bursts]
            best = None
            for threshold in sorted({s for _, _, s in sizes_w} | {s for s in sizes_b} | {float("inf")}):
                raw = sum(score if found and size >= threshold else -MISS_COST for found, score, size in sizes_w)
                raw -= FP_COST * sum(1 for s in sizes_b if s >= threshold)
                if best is None or raw > best[0]:
                    best = (raw, threshold, sum(1 for s in sizes_b if s >= threshold))
            totals[measure_name] += best[0]
            line.append(f"{measure_name}: windows " + " ".join(f"{s:.0f}x" + ("" if found else " (missed)") for found, _, s in sizes_w)
                        + "; unlabelled bursts flagged " + " ".join(f"{s:.0f}x" for s in sorted(sizes_b, reverse=True))
                        + f"; best threshold {best[1]:.0f}x keeps {best[2]} of them")
        print("\n  ".join(line))
    for measure_name, raw in totals.items():
        print(f"oracle, a threshold per file on the peak {measure_name}: raw {raw:.3f}, "
              f"NAB score {100 * (raw + windows_total * MISS_COST) / (2 * windows_total):.2f}")


if __name__ == "__main__":
    main()
