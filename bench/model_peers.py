#!/usr/bin/python3
"""Credo's model builder side by side with the peers modelers use today.

For each real dataset in CREDO_DATA_DIR (default ../shared/data) it makes the
same train/test splits for everybody, then
  - Credo: `credo model train --method scorecard` and `--method gbdt` on the
    train part, `credo model score` on the test part;
  - peers: scikit-learn LogisticRegression on the raw features (median
    imputation, standardised numbers, one-hot categories) and XGBoost with the
    fixed setting 300 trees, depth 4, eta 0.05 (one-hot categories, native NaN);
and computes test AUC and KS for all four with the same scikit-learn code.
"GBDT - xgboost" is the mean over the splits of the two test AUCs' difference,
with its standard error by DeLong's paired method (both models score the same
test rows), so a gap can be read against the noise of the test sample.

Run with Debian's Python (python3-sklearn, python3-xgboost, python3-pandas):
    /usr/bin/python3 bench/model_peers.py --credo build/credo
    /usr/bin/python3 bench/model_peers.py --datasets gmsc --time-budget 60
    /usr/bin/python3 bench/model_peers.py --methods gbdt   # Credo's GBDT only
Datasets that are absent are skipped with a notice.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
from scipy.stats import rankdata
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
import xgboost as xgb


def ks_stat(y, p):
    fpr, tpr, _ = roc_curve(y, p)
    return float(np.max(tpr - fpr))


def delong_difference(y, p_a, p_b):
    """AUC(p_a) - AUC(p_b) on the same rows and its standard error (DeLong, DeLong & Clarke-Pearson 1988)."""
    y = np.asarray(y).astype(bool)
    m, n = int(y.sum()), int((~y).sum())
    v_bad, v_good = [], []  # per model: each bad's share of goods ranked below it, each good's of bads above it
    for p in (np.asarray(p_a), np.asarray(p_b)):
        all_ranks = rankdata(p)
        v_bad.append((all_ranks[y] - rankdata(p[y])) / n)
        v_good.append(1 - (all_ranks[~y] - rankdata(p[~y])) / m)
    auc = [float(np.mean(v)) for v in v_bad]
    s = np.cov(np.vstack(v_bad)) / m + np.cov(np.vstack(v_good)) / n
    return auc[0] - auc[1], float(np.sqrt(max(s[0, 0] + s[1, 1] - 2 * s[0, 1], 0.0)))


def load(name, data_dir):
    """Returns (frame, target column, id column or None, splits) or None when absent."""
    seed = 20261122
    if name == "german":
        path = os.path.join(data_dir, "german_credit.csv")
        if not os.path.exists(path):
            return None
        df = pd.read_csv(path)
        return df, "target", None, kfold(df["target"], seed)
    if name == "gmsc":
        path = os.path.join(data_dir, "gmsc_train.csv")
        if not os.path.exists(path):
            return None
        df = pd.read_csv(path)
        df = df.rename(columns={df.columns[0]: "row_id"})
        train = np.arange(0, 70000)
        test = np.arange(70000, len(df))
        return df, "SeriousDlqin2yrs", "row_id", [(train, test)]
    if name == "taiwan":
        path = os.path.join(data_dir, "taiwan_default_train.csv")
        if not os.path.exists(path):
            return None
        df = pd.read_csv(path)
        return df, "default.payment.next.month", "ID", [(np.arange(0, 14000), np.arange(14000, len(df)))]
    if name == "bank":
        path = os.path.join(data_dir, "bank_marketing.csv")
        if not os.path.exists(path):
            return None
        df = pd.read_csv(path, sep=";").drop(columns=["duration"])
        df["y"] = (df["y"] == "yes").astype(int)
        return df, "y", None, kfold(df["y"], seed)
    if name == "home_credit":
        path = os.path.join(data_dir, "home_credit", "application.csv.gz")
        if not os.path.exists(path):
            return None
        df = pd.read_csv(path)
        return df, "TARGET", "SK_ID_CURR", kfold(df["TARGET"], seed)
    raise SystemExit(f"unknown dataset {name}")


def kfold(y, seed):
    skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    return list(skf.split(np.zeros(len(y)), y))


def peer_features(df, target, id_col):
    x = df.drop(columns=[c for c in [target, id_col] if c])
    categorical = [c for c in x.columns if x[c].dtype == object]
    numeric = [c for c in x.columns if c not in categorical]
    return x, numeric, categorical


def run_peers(df, target, id_col, train, test):
    x, numeric, categorical = peer_features(df, target, id_col)
    y = df[target].values
    out = {}
    lr = make_pipeline(
        ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
        ]),
        LogisticRegression(max_iter=2000),
    )
    lr.fit(x.iloc[train], y[train])
    p = lr.predict_proba(x.iloc[test])[:, 1]
    out["sklearn_logistic"] = (roc_auc_score(y[test], p), ks_stat(y[test], p), p)

    xd = pd.get_dummies(x, columns=categorical, dtype=float) if categorical else x.astype(float)
    model = xgb.XGBClassifier(n_estimators=300, max_depth=4, learning_rate=0.05, tree_method="hist",
                              n_jobs=2, random_state=0)
    model.fit(xd.iloc[train], y[train])
    p = model.predict_proba(xd.iloc[test])[:, 1]
    out["xgboost_300x4"] = (roc_auc_score(y[test], p), ks_stat(y[test], p), p)
    return out


def run_credo(credo, df, target, id_col, train, test, method, budget, workdir):
    train_csv = os.path.join(workdir, "train.csv")
    test_csv = os.path.join(workdir, "test.csv")
    df.iloc[train].to_csv(train_csv, index=False)
    df.iloc[test].drop(columns=[target]).to_csv(test_csv, index=False)
    out_dir = os.path.join(workdir, method)
    cmd = [credo, "model", "train", "--data", train_csv, "--target", target, "--method", method,
           "--time-budget", str(budget), "--out", out_dir]
    if id_col:
        cmd += ["--id", id_col]
    t0 = time.time()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.time() - t0
    scores = os.path.join(workdir, method + "_scores.csv")
    subprocess.run([credo, "model", "score", "--model", os.path.join(out_dir, "model.json"), "--data", test_csv,
                    "--out", scores, "--reasons", "0"], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    p = pd.read_csv(scores)["probability"].values
    y = df[target].values[test]
    return roc_auc_score(y, p), ks_stat(y, p), p, seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--credo", default="build/credo")
    ap.add_argument("--data-dir", default=os.environ.get("CREDO_DATA_DIR", "../shared/data"))
    ap.add_argument("--datasets", default="german,gmsc,taiwan,bank,home_credit")
    ap.add_argument("--methods", default="scorecard,gbdt", help="Credo methods to train (scorecard, gbdt)")
    ap.add_argument("--time-budget", type=float, default=45, help="seconds per credo training run (credo's default)")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    methods = args.methods.split(",")

    results = {}
    for name in args.datasets.split(","):
        loaded = load(name, args.data_dir)
        if loaded is None:
            print(f"{name}: not found under {args.data_dir}, skipped", file=sys.stderr)
            continue
        df, target, id_col, splits = loaded
        rows = {k: [] for k in ["credo_" + m for m in methods] + ["sklearn_logistic", "xgboost_300x4"]}
        seconds = {"credo_" + m: [] for m in methods}
        gaps = []  # per split: (GBDT - XGBoost test AUC, its paired standard error)
        for i, (train, test) in enumerate(splits):
            print(f"{name}: split {i + 1}/{len(splits)} ({len(train)} train, {len(test)} test)", file=sys.stderr)
            with tempfile.TemporaryDirectory() as work:
                for method in methods:
                    auc, ks, p, sec = run_credo(args.credo, df, target, id_col, train, test, method,
                                                args.time_budget, work)
                    rows["credo_" + method].append((auc, ks, p))
                    seconds["credo_" + method].append(sec)
            for k, v in run_peers(df, target, id_col, train, test).items():
                rows[k].append(v)
            if "gbdt" in methods:
                gaps.append(delong_difference(df[target].values[test], rows["credo_gbdt"][-1][2],
                                              rows["xgboost_300x4"][-1][2]))
        results[name] = {
            k: {"auc": float(np.mean([v[0] for v in vs])), "auc_sd": float(np.std([v[0] for v in vs])),
                "ks": float(np.mean([v[1] for v in vs])), "split_aucs": [float(v[0]) for v in vs],
                "splits": len(vs)}
            for k, vs in rows.items()
        }
        for k, v in seconds.items():
            results[name][k]["train_seconds"] = float(np.mean(v))
        if gaps:
            # The splits' test rows are disjoint, so the mean gap's variance is the mean variance / splits.
            results[name]["gbdt_minus_xgboost"] = {
                "auc": float(np.mean([g for g, _ in gaps])),
                "se": float(np.sqrt(np.sum([se**2 for _, se in gaps])) / len(gaps))}

    print(f"\n{'dataset':<12} {'model':<18} {'AUC':>8} {'±sd':>7} {'KS':>8}  train s")
    for name, r in results.items():
        for k, v in r.items():
            if k == "gbdt_minus_xgboost":
                continue
            sec = f"{v['train_seconds']:7.1f}" if "train_seconds" in v else ""
            print(f"{name:<12} {k:<18} {v['auc']:8.4f} {v['auc_sd']:7.4f} {v['ks']:8.4f}  {sec}")
        if "gbdt_minus_xgboost" in r:
            gap = r["gbdt_minus_xgboost"]
            print(f"{name:<12} {'GBDT - xgboost':<18} {gap['auc']:+8.4f} (paired SE {gap['se']:.4f})")
        if "credo_gbdt" in r and "credo_scorecard" in r:
            print(f"{name:<12} {'GBDT - scorecard':<18} {r['credo_gbdt']['auc'] - r['credo_scorecard']['auc']:+8.4f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
