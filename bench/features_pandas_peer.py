#!/usr/bin/env python3
"""The feature engine's independent peer: the same features with pandas group-by.

    features_pandas_peer.py --defs DIR --docs DOCS.jsonl [--credo CREDO] [--threads N]

Reads the definition files (YAML) and the documents itself, computes every
aggregate feature with pandas (one boolean mask per filter and window, then
groupby over the documents), and, with --credo, runs `credo features build`
on the same files and compares every feature of every applicant:

  - correctness: counts, min, max, distinct, last and days must agree
    exactly; sums, means, std, slope, share and ratio to 1e-9 relative (they
    are computed in another order: Credo's sums are compensated, pandas' are
    not, and amounts with cents then differ in the last bit);
  - throughput: applicants per second of each, from the JSONL file to the
    feature values (pandas: parsing + flattening + features; Credo: the whole
    `features build` command, CSV written).

The definitions' meaning (docs/features.md) is re-implemented here from the
documentation, not from Credo's code: windows by pandas DateOffset, std with
ddof=0, slope from per-group sums, filters by DataFrame.eval (the example
filters are comparisons, `in` lists and `and`, whose ZEN and pandas meanings
agree, missing values included). Derived features are not compared.
Needs Debian's python3-pandas and python3-yaml.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
import yaml

FIELD_AGGREGATIONS = ["sum", "mean", "min", "max", "std", "distinct", "last", "slope"]
EXACT = {"count", "min", "max", "distinct", "last", "days_since_first", "days_since_last"}


def load_defs(path):
    files = sorted(f for f in os.listdir(path) if f.endswith((".yaml", ".yml"))) if os.path.isdir(path) else [path]
    out = []
    for name in files:
        with open(os.path.join(path, name) if os.path.isdir(path) else name) as f:
            d = yaml.safe_load(f)
        if d.get("list"):
            out.append(d)
    return out


def to_days(dates):
    return pd.to_datetime(dates.str.slice(0, 10), format="%Y-%m-%d").values.astype("datetime64[D]").astype(np.int64)


def flatten(lines, lists):
    """Per list path, a DataFrame of its records: _doc, _parent (row in the parent list's frame), date, fields."""
    rows = {path: [] for path in lists}
    nested = [p for p in lists if "." in p]
    obs = []
    for doc_index, line in enumerate(lines):
        doc = json.loads(line)
        obs.append(doc["observation_date"])
        bases = {path: len(rows[path]) for path in lists}
        for path in lists:
            if "." in path:
                continue
            for record in doc.get(path) or []:
                flat = {k: v for k, v in record.items() if not isinstance(v, list)}
                flat["_doc"] = doc_index
                flat["_parent"] = -1
                rows[path].append(flat)
        for path in nested:  # one level of nesting, as in the examples
            parent, child = path.split(".")
            for p, record in enumerate(doc.get(parent) or []):
                for inner in record.get(child) or []:
                    rows[path].append(dict(inner, _doc=doc_index, _parent=bases[parent] + p))
    frames = {path: pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=["_doc", "_parent", "date"])
              for path, records in rows.items()}
    return frames, to_days(pd.Series(obs)), pd.to_datetime(pd.Series(obs))


def cutoffs(window, obs_days, obs_dates):
    if window == "all":
        return np.full(len(obs_days), np.iinfo(np.int64).min // 2)
    n = int(window[:-1])
    if window.endswith("d"):
        return obs_days - n
    return (obs_dates - pd.DateOffset(months=n)).values.astype("datetime64[D]").astype(np.int64)


def compute(defs, frames, obs_days, obs_dates):
    n_docs = len(obs_days)
    docs = pd.RangeIndex(n_docs)
    features = {}
    included = {}
    for path in sorted(frames, key=lambda p: p.count(".")):
        df = frames[path]
        if len(df) == 0:
            included[path] = np.zeros(0, dtype=bool)
            continue
        df["_day"] = to_days(df["date"].astype(str))
        df["_obs"] = obs_days[df["_doc"].values]
        ok = (df["_day"] <= df["_obs"]).values
        if "." in path:
            ok &= included[path.split(".")[0]][df["_parent"].values]
        included[path] = ok
    for d in defs:
        path = d["list"]
        df = frames[path]
        aggs = d.get("aggregations", {})
        filters = [("all", None)] + list((d.get("filters") or {}).items())
        windows = d.get("windows") or ["all"]
        for fname, expr in filters:
            if len(df):
                fmask = included[path] & (df.eval(expr).fillna(False).values.astype(bool) if expr else True)
            for window in windows:
                prefix = f"{path}.{fname}."
                suffix = "." + window
                if len(df) == 0:
                    sub = df
                else:
                    cut = cutoffs(window, obs_days, obs_dates)[df["_doc"].values]
                    sub = df[fmask & (df["_day"].values > cut)]
                g = sub.groupby("_doc")
                cell = {}

                def put(key, series, fill=np.nan):
                    cell[key] = series.reindex(docs, fill_value=fill).astype(float).values

                count = g.size() if len(sub) else pd.Series(dtype=float)
                put("count", count, 0.0)
                for agg in FIELD_AGGREGATIONS:
                    for field in aggs.get(agg, []) or []:
                        key = f"{agg}.{field}"
                        if len(sub) == 0 or field not in sub:
                            put(key, pd.Series(dtype=float), 0.0 if agg in ("sum", "distinct") else np.nan)
                            continue
                        col = g[field]
                        if agg == "sum":
                            put(key, col.sum(), 0.0)
                        elif agg == "mean":
                            put(key, col.mean())
                        elif agg == "min":
                            put(key, col.min())
                        elif agg == "max":
                            put(key, col.max())
                        elif agg == "std":
                            put(key, col.std(ddof=0))
                        elif agg == "distinct":
                            put(key, col.nunique(), 0.0)
                        elif agg == "last":
                            ordered = sub.sort_values(["_doc", "_day"], kind="stable")
                            put(key, ordered.groupby("_doc")[field].nth(-1))
                        elif agg == "slope":
                            v = sub[sub[field].notna()]
                            x = (v["_day"] - v["_obs"]).astype(float)
                            y = v[field].astype(float)
                            s = pd.DataFrame({"_doc": v["_doc"], "n": 1.0, "x": x, "y": y, "xx": x * x, "xy": x * y})
                            t = s.groupby("_doc").sum()
                            den = t["n"] * t["xx"] - t["x"] ** 2
                            slope = (t["n"] * t["xy"] - t["x"] * t["y"]) / den
                            slope[(t["n"] < 2) | (den <= 0)] = np.nan
                            put(key, slope)
                if len(sub):
                    obs_s = pd.Series(obs_days)
                    put("days_since_first", obs_s[g["_day"].min().index].values - g["_day"].min())
                    put("days_since_last", obs_s[g["_day"].max().index].values - g["_day"].max())
                else:
                    put("days_since_first", pd.Series(dtype=float))
                    put("days_since_last", pd.Series(dtype=float))
                for name, cond in (aggs.get("share") or {}).items():
                    if len(sub):
                        hit = sub.eval(cond).fillna(False).astype(float)
                        put(f"share.{name}", hit.groupby(sub["_doc"]).mean())
                    else:
                        put(f"share.{name}", pd.Series(dtype=float))
                for agg in ["count", "days_since_first", "days_since_last"]:
                    if aggs.get(agg):
                        features[prefix + agg + suffix] = cell[agg]
                for agg in FIELD_AGGREGATIONS:
                    for field in aggs.get(agg, []) or []:
                        features[f"{prefix}{agg}.{field}{suffix}"] = cell[f"{agg}.{field}"]
                for name in aggs.get("share") or {}:
                    features[f"{prefix}share.{name}{suffix}"] = cell[f"share.{name}"]
                for name, (num, den) in (aggs.get("ratio") or {}).items():
                    a, b = cell[num], cell[den]
                    with np.errstate(divide="ignore", invalid="ignore"):
                        r = np.where((b == 0) | np.isnan(a) | np.isnan(b), np.nan, a / b)
                    features[f"{prefix}ratio.{name}{suffix}"] = r
    return features


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--defs", required=True)
    ap.add_argument("--docs", required=True)
    ap.add_argument("--credo", help="the credo binary: also build with it and compare")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    defs = load_defs(args.defs)
    lists = sorted({d["list"] for d in defs} | {d["list"].split(".")[0] for d in defs}, key=lambda p: p.count("."))
    start = time.perf_counter()
    with open(args.docs) as f:
        lines = [line for line in f if line.strip()]
    frames, obs_days, obs_dates = flatten(lines, lists)
    parsed = time.perf_counter()
    features = compute(defs, frames, obs_days, obs_dates)
    done = time.perf_counter()
    n = len(lines)
    peer = {"pandas_features": len(features), "applicants": n, "pandas_parse_s": round(parsed - start, 3),
            "pandas_features_s": round(done - parsed, 3),
            "pandas_applicants_per_s": round(n / (done - start), 1)}
    if not args.credo:
        print(json.dumps(peer))
        return
    with tempfile.TemporaryDirectory() as tmp:
        table = os.path.join(tmp, "table.csv")
        t0 = time.perf_counter()
        subprocess.run([args.credo, "features", "build", "--defs", args.defs, "--docs", args.docs, "--out", table,
                        "--keep-fields", "none", "--threads", str(args.threads)], check=True, stderr=subprocess.DEVNULL)
        t1 = time.perf_counter()
        credo = pd.read_csv(table, dtype=float, float_precision="round_trip")  # correctly rounded
    peer.update({"credo_threads": args.threads, "credo_s": round(t1 - t0, 3),
                 "credo_applicants_per_s": round(n / (t1 - t0), 1)})
    peer["speedup"] = round(peer["credo_applicants_per_s"] / peer["pandas_applicants_per_s"], 1)
    compared = exact = 0
    worst = (0.0, "")
    mismatches = []
    for name, values in features.items():
        got = credo[name].values
        agg = name.split(".")[-3] if name.split(".")[-2] not in ("count", "days_since_first", "days_since_last") \
            else name.split(".")[-2]
        both_nan = np.isnan(values) & np.isnan(got)
        if agg in EXACT:
            ok = both_nan | (values == got)
        else:
            ok = both_nan | np.isclose(got, values, rtol=1e-9, atol=1e-12)
            # relative to the value, absolute below 1
            rel = np.nanmax(np.where(both_nan, 0, np.abs(got - values) / np.maximum(np.abs(values), 1.0))) \
                if len(values) else 0
            if rel > worst[0]:
                worst = (float(rel), name)
        compared += len(values)
        exact += int(np.sum(both_nan | (values == got)))
        if not ok.all():
            i = int(np.argmin(ok))
            mismatches.append(f"{name}: applicant {i}: pandas {values[i]!r}, credo {got[i]!r}")
    peer.update({"compared_values": compared, "bit_identical": exact, "mismatches": len(mismatches),
                 "worst_difference": worst[0], "worst_feature": worst[1]})
    print(json.dumps(peer))
    for m in mismatches[:20]:
        print("MISMATCH " + m, file=sys.stderr)
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
