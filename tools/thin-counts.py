#!/usr/bin/env python3
"""Binomial thinning of timestamp,value count CSVs: keep each counted report with probability P.

Turns a busy labelled series into a sparse one with the same labels (a surge stays a surge, at a tenth of the volume),
to check the detector on sparse series without new labels. Stdlib only; deterministic for a seed.

    tools/thin-counts.py 0.1 ../shared/nab/data out/thin10      # writes out/thin10/<same relative paths>
    outage evaluate out/thin10 --labels ../shared/nab/labels/combined_windows.json
"""
import argparse
import csv
import os
import random
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("p", type=float, help="probability of keeping each report, in (0, 1]")
    parser.add_argument("source", help="a folder of CSVs (searched recursively)")
    parser.add_argument("target", help="the folder to write")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not 0 < args.p <= 1:
        sys.exit("thin-counts: p must be in (0, 1]")
    rng = random.Random(args.seed)
    for root, _dirs, files in sorted(os.walk(args.source)):
        for name in sorted(f for f in files if f.endswith(".csv")):
            source = os.path.join(root, name)
            target = os.path.join(args.target, os.path.relpath(source, args.source))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(source, newline="") as f:
                rows = list(csv.reader(f))
            zeros = 0
            with open(target, "w", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(rows[0])
                for timestamp, value in rows[1:]:
                    kept = sum(1 for _ in range(int(float(value))) if rng.random() < args.p)
                    zeros += kept == 0
                    writer.writerow([timestamp, kept])
            print("%s: %d rows, %.0f %% zeros" % (target, len(rows) - 1, 100.0 * zeros / max(1, len(rows) - 1)))


if __name__ == "__main__":
    main()
