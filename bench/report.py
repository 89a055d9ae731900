#!/usr/bin/env python3
"""Turns the raw measurements of bench/run.sh into bench/results/latest.json and latest.md.

Usage: report.py RESULTS.jsonl BDN_RESULTS_DIR QUICK(yes|no) OUT.json OUT.md
Each product ingest measurement is paired with the reference server's measurement of the same shape taken
in the same run (the one taken just before it), and the ratio is product / reference.
"""
import datetime
import glob
import json
import os
import platform
import subprocess
import sys

results_path, bdn_dir, quick, out_json, out_md = sys.argv[1:6]
rows = [json.loads(line) for line in open(results_path) if line.strip()]

# Goals of the benchmarks issue, for the verdict column.
RATIO_GOAL = {"unary": 0.7, "batch100": 0.5, "stream1000": 0.5}
THROUGHPUT_GOAL = {("embedded", "batch100"): 1_000_000, ("redis", "batch100"): 250_000}

measurements = []
last_reference = {}
status_reference = None
# GetStatus is timed by a process of its own (shape "getstatus") beside a batch flood sent by another; the flood's row,
# named "... GetStatus ...", gives the load it ran under.
status_floods = {r["mode"]: r for r in rows if r.get("shape") != "getstatus" and "GetStatus" in r.get("name", "")}
for r in rows:
    if r.get("shape") == "getstatus":
        r = {**r, "reports_per_s": status_floods.get(r["mode"], {}).get("reports_per_s")}
        if r["mode"] == "reference":
            status_reference = r  # the floor: GetStatus on a server that answers at once, under its own full batch ingest
        else:
            measurements.append(r)
        continue
    if "GetStatus" in r.get("name", ""):
        continue  # a flood under which GetStatus was timed: shown with the GetStatus line
    if r.get("mode") == "reference":
        last_reference[r["shape"]] = r
        continue
    if r.get("mode") in ("embedded", "redis") and "reports_per_s" in r and r["shape"] in RATIO_GOAL and "GetStatus" not in r["name"] and r["series"] != 1:
        ref = last_reference.get(r["shape"])
        ratio = r["reports_per_s"] / ref["reports_per_s"] if ref else None
        measurements.append({
            "name": r["name"], "shape": r["shape"], "mode": r["mode"],
            "product_reports_per_s": round(r["reports_per_s"]), "reference_reports_per_s": round(ref["reports_per_s"]) if ref else None,
            "ratio": round(ratio, 3) if ratio is not None else None,
            "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"],
            "reference_p50_ms": ref["p50_ms"] if ref else None, "reference_p99_ms": ref["p99_ms"] if ref else None,
            "failed_calls": r["failed_calls"], "connections": r["connections"], "concurrency": r["concurrency"], "series": r["series"],
            "ratio_goal": RATIO_GOAL[r["shape"]], "throughput_goal_reports_per_s": THROUGHPUT_GOAL.get((r["mode"], r["shape"])),
        })
    else:
        measurements.append(r)

micro = []
for path in sorted(glob.glob(os.path.join(bdn_dir, "*.json"))):
    for b in json.load(open(path)).get("Benchmarks", []):
        micro.append({
            "name": f"micro: {b['Type']}.{b['Method']}" + (f"({b['Parameters']})" if b.get("Parameters") else ""),
            "shape": "micro", "mode": "in-process",
            "mean_ns": round(b["Statistics"]["Mean"], 1),
            "allocated_bytes_per_op": (b.get("Memory") or {}).get("BytesAllocatedPerOperation"),
        })
measurements += micro

machine = {
    "cpus": os.cpu_count(), "os": platform.platform(),
    "dotnet": subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip(),
    "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip(),
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "quick": quick == "yes",
}
if status_reference:
    measurements.append({**status_reference, "name": "reference: GetStatus under its own full batch ingest"})
json.dump({"machine": machine, "measurements": measurements}, open(out_json, "w"), indent=2)


def n(x, digits=0):
    return "-" if x is None else f"{x:,.{digits}f}"


def verdict(ok):
    return "met" if ok else "**missed**"


md = [f"# Benchmark results ({'quick' if quick == 'yes' else 'full'} run)", "",
      f"{machine['date']}, commit {machine['commit']}, {machine['cpus']} cores, {machine['os']}, .NET SDK {machine['dotnet']}.",
      "Load generator, servers and Redis share the machine. Command: `bench/run.sh" + (" --quick" if quick == "yes" else "") + "`.", "",
      "## Ingest: product against the reference server (same shape, same run)", "",
      "| measurement | product reports/s | reference reports/s | ratio (goal) | product p50 / p99 ms | reference p50 / p99 ms | failed calls |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
for m in measurements:
    if "ratio" in m:
        goal = m["ratio_goal"]
        ok = m["ratio"] is not None and m["ratio"] >= goal
        md.append(f"| {m['name']} | {n(m['product_reports_per_s'])} | {n(m['reference_reports_per_s'])} | {n(m['ratio'], 2)} (>= {goal}, {verdict(ok)}) "
                  f"| {n(m['p50_ms'], 1)} / {n(m['p99_ms'], 1)} | {n(m['reference_p50_ms'], 1)} / {n(m['reference_p99_ms'], 1)} | {m['failed_calls']} |")
md.append("")
for m in measurements:
    if m.get("throughput_goal_reports_per_s"):
        goal = m["throughput_goal_reports_per_s"]
        md.append(f"- {m['name']}: {n(m['product_reports_per_s'])} reports/s against a goal of {n(goal)}: {verdict(m['product_reports_per_s'] >= goal)}.")
for m in measurements:
    if m.get("getstatus_p99_ms") is not None and m.get("mode") != "reference":
        md.append(f"- GetStatus, asked back to back by a process of its own, under full batch ingest ({n(m['reports_per_s'])} reports/s): p50 {n(m['getstatus_p50_ms'], 2)} ms, "
                  f"p99 {n(m['getstatus_p99_ms'], 2)} ms over {n(m['getstatus_calls'])} calls (goal p99 <= 5 ms: {verdict(m['getstatus_p99_ms'] <= 5)}).")
        if status_reference:
            md.append(f"  The reference server (GetStatus answered at once) under its own full batch ingest ({n(status_reference['reports_per_s'])} reports/s): "
                      f"p50 {n(status_reference['getstatus_p50_ms'], 2)} ms, p99 {n(status_reference['getstatus_p99_ms'], 2)} ms over "
                      f"{n(status_reference['getstatus_calls'])} calls: the floor of this machine.")
    if m.get("detection_p99_ms") is not None:
        sent = f", sent open loop at {n(m['surge_rate_sent_min'])} reports/s or more" if m.get("surge_rate_sent_min") is not None else ""
        failed = f", {n(m['failed_calls'])} surge calls failed" if m.get("failed_calls") else ""
        md.append(f"- Detection, {m['name']} ({m['detected']} of {m['surges']} surges of {n(m['surge_reports_per_s'])} reports/s{sent}{failed}, "
                  f"5-second buckets): p50 {n(m['detection_p50_ms'])} ms, p99 {n(m['detection_p99_ms'])} ms, max {n(m['detection_max_ms'])} ms "
                  f"(bounds Watch propagation; goal p99 <= 1 s: {verdict(m['detection_p99_ms'] <= 1000)}).")
    if m.get("webhook_p99_ms") is not None:
        md.append(f"- Notification, level change -> webhook received by a loopback receiver ({m['webhooks']} of {m['surges']}, each a subscription's first "
                  f"message, default 2 s coalescing window): p50 {n(m['webhook_p50_ms'])} ms, p99 {n(m['webhook_p99_ms'])} ms, max {n(m['webhook_max_ms'])} ms.")
md += ["", "## Memory", ""]
for m in measurements:
    if m.get("bytes_per_series_10k") is not None:
        md.append(f"- Per active series ({m['mode']}): {n(m['bytes_per_series_10k'])} B from 200 to 10,000 series, {n(m['bytes_per_series_100k'])} B from "
                  f"10,000 to 100,000 (goal <= 4,096 B: {verdict(m['bytes_per_series_100k'] <= 4096)}); per new device (report id and device "
                  f"remembered): {n(m['bytes_per_new_device'], 1)} B.")
        if m.get("live_heap_bytes_quiet") is not None:
            idle, quiet, active = m["live_heap_bytes_idle"], m["live_heap_bytes_quiet"], m["live_heap_bytes_100k_series"]
            kept = "its snapshot stays in the in-memory grain storage" if m["mode"] == "embedded" else "its snapshot is in Redis"
            md.append(f"- After the 100,000 series went quiet ({m['mode']}; {n(m['activations_quiet'])} activations left): live heap {n(quiet / 2**20)} MiB against "
                      f"{n(active / 2**20)} MiB while they were active and {n(idle / 2**20)} MiB for the idle host; {n(m['bytes_per_quiet_series'])} B per quiet series ({kept}). "
                      f"First report to a quiet series (activation restored from its snapshot): p50 {n(m['reactivation_p50_ms'], 2)} ms, p99 {n(m['reactivation_p99_ms'], 2)} ms; "
                      f"to an active one p50 {n(m['active_p50_ms'], 2)} ms, p99 {n(m['active_p99_ms'], 2)} ms.")
    if m.get("rss_last_third_max_bytes") is not None:
        first, last = m["rss_first_third_max_bytes"], m["rss_last_third_max_bytes"]
        md.append(f"- Host RSS through the flood of new devices: at most {n(first / 2**20)} MiB in the first third of the run, {n(last / 2**20)} MiB in the "
                  f"last third ({m['rss_samples']} samples; bounded if the last third does not keep climbing).")
    if m.get("name", "").startswith("embedded flood"):
        md.append(f"- The flood itself: {n(m['reports_per_s'])} reports/s on one series, every report from a new device.")
md += ["", "## Micro-benchmarks (BenchmarkDotNet)", "", "| benchmark | mean | allocated |", "| --- | ---: | ---: |"]
for m in micro:
    md.append(f"| {m['name']} | {n(m['mean_ns'], 1)} ns | {n(m['allocated_bytes_per_op'])} B |")
open(out_md, "w").write("\n".join(md) + "\n")
