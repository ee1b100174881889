#!/usr/bin/python3
"""Credo's decision engine beside the reference ZEN engine, same graphs, same run.

Runs build/bench/decision_bench (Credo) and bench/zen/zen_bench.mjs (ZEN's npm
package, the Rust engine inside its Node binding) on every graph of the ZEN
benchmark manifest, single thread, sequential evaluations after a warm-up, and
prints evaluations per second and the ratio Credo / ZEN for each graph:
  - credo       a parsed input in, the output value back (in-process API);
  - credo-json  JSON text in, JSON text out, parsed and written as `credo serve` does (the conversions the binding pays);
  - zen-node    ZEN's decision.evaluate() wall time in Node;
  - zen-core    ZEN's own per-evaluation time inside the Rust engine
                (response.performance), which leaves out the binding.
Usage: bench/zen_compare.py [--build build] [--dir ../shared/conformance/zen/benchmark] [--seconds 3]
"""
import argparse
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--build", default="build")
parser.add_argument("--dir", default=os.path.join(here, "..", "..", "shared", "conformance", "zen", "benchmark"))
parser.add_argument("--seconds", default="3")
args = parser.parse_args()
if not os.path.exists(os.path.join(args.dir, "manifest.json")):
    print(f"no ZEN benchmark graphs at {args.dir}: skipped")
    sys.exit(0)


def run(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


rows = {}
for r in run([os.path.join(args.build, "bench", "decision_bench"), "zen", args.dir, "--seconds", args.seconds]):
    rows.setdefault(r["graph"], {})[r["engine"]] = r["evaluations_per_second"]
zen_dir = os.path.join(here, "zen")
if not os.path.isdir(os.path.join(zen_dir, "node_modules")):
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=zen_dir, check=True)
for r in run(["node", os.path.join(zen_dir, "zen_bench.mjs"), "--dir", args.dir, "--seconds", args.seconds]):
    rows.setdefault(r["graph"], {})["zen-node"] = r["evaluations_per_second"]
    if r.get("zen_reported_mean_us"):
        rows[r["graph"]]["zen-core"] = 1e6 / r["zen_reported_mean_us"]

print(f"{'graph':34} {'credo/s':>10} {'credo-json/s':>12} {'zen-node/s':>10} {'zen-core/s':>10} "
      f"{'x zen-node':>10} {'json x zen-node':>15} {'x zen-core':>10}")
worst = None
for graph, r in rows.items():
    c, cj, z, zc = r.get("credo", 0), r.get("credo-json", 0), r.get("zen-node", 0), r.get("zen-core", 0)
    ratio = c / z if z else float("nan")
    worst = ratio if worst is None else min(worst, ratio)
    print(f"{graph:34} {c:10.0f} {cj:12.0f} {z:10.0f} {zc:10.0f} {ratio:10.1f} "
          f"{(cj / z if z else float('nan')):15.1f} {(c / zc if zc else float('nan')):10.1f}")
print(f"lowest ratio credo / zen-node: {worst:.1f} (target >= 2)")
