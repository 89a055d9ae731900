#!/usr/bin/env python3
"""Surge injection: how often the detector finds a surge of a given size and length placed on real background.

For each CSV (timestamp,value) under SOURCE, makes COPIES copies, each with one surge added at a random row (after the
first 1,500 rows): for LENGTH buckets the count is raised by (FACTOR - 1) x the median of the 864 buckets before it (three
days of 5-minute buckets; at least 1). Each copy is replayed with `outage replay` (one configuration, the shipped
defaults unless --set is given) and the surge counts as found when the series leaves NORMAL within the surge or the six
buckets after it, having been NORMAL just before it. It checks a behaviour on real noise (the held-back files' windows
hold surges of 11x to 280x over such a median); it is not a quality score and nothing is tuned on it.

    tools/inject-surges.py ../shared/nab/data/realTweets --factor 10 --length 5
    tools/inject-surges.py ../shared/nab/data/realTweets --factor 10 --length 5 --set CusumShift=8

Stdlib only; deterministic for a seed. Needs the CLI built (dotnet build tools/Outage.Cli -c Release) or --cli.
"""
import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CLI = os.path.join(HERE, "Outage.Cli", "bin", "Release", "net10.0", "outage.dll")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="a folder of timestamp,value CSVs")
    parser.add_argument("--factor", type=float, default=10, help="surge size over the three-day median (default 10)")
    parser.add_argument("--length", type=int, default=5, help="surge length in buckets (default 5: 25 minutes of 5-minute buckets)")
    parser.add_argument("--copies", type=int, default=20, help="surges per file, one per copy (default 20)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a detector setting, as for outage replay")
    parser.add_argument("--cli", default=DEFAULT_CLI, help="the outage CLI's dll")
    args = parser.parse_args()
    if not os.path.exists(args.cli):
        sys.exit(f"inject-surges: {args.cli} not found: dotnet build tools/Outage.Cli -c Release")
    rng = random.Random(args.seed)
    found_all = total = 0
    with tempfile.TemporaryDirectory(prefix="inject-surges-") as work:
        for name in sorted(f for f in os.listdir(args.source) if f.endswith(".csv")):
            with open(os.path.join(args.source, name), newline="") as f:
                rows = list(csv.reader(f))
            header, rows = rows[0], rows[1:]
            copies = os.path.join(work, name[:-4])
            replayed = copies + "-replayed"
            os.makedirs(copies)
            positions = []
            for k in range(args.copies):
                at = rng.randrange(1500, len(rows) - args.length - 10)
                median = max(statistics.median(float(r[1]) for r in rows[at - 864:at]), 1)
                copy = [list(r) for r in rows]
                for j in range(at, at + args.length):
                    copy[j][1] = str(int(float(copy[j][1]) + (args.factor - 1) * median))
                with open(os.path.join(copies, f"copy{k}.csv"), "w", newline="") as f:
                    writer = csv.writer(f)
                    writer.writerow(header)
                    writer.writerows(copy)
                positions.append(at)
            command = ["dotnet", args.cli, "replay", copies, "-o", replayed] + [a for s in args.set for a in ("--set", s)]
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0:
                sys.exit(f"inject-surges: outage replay failed:\n{result.stderr[-2000:]}")
            found = 0
            for k, at in enumerate(positions):
                with open(os.path.join(replayed, f"copy{k}.csv"), newline="") as f:
                    levels = [r[3] for r in list(csv.reader(f))[1:]]
                if levels[at - 1] == "NORMAL" and any(level != "NORMAL" for level in levels[at:at + args.length + 6]):
                    found += 1
            print(f"{name}: {found} of {len(positions)} found", flush=True)
            found_all += found
            total += len(positions)
    print(f"all: {found_all} of {total} surges of {args.factor:g}x over the three-day median, {args.length} buckets long, found")


if __name__ == "__main__":
    main()
