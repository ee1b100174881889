#!/usr/bin/python3
"""A 300-tree XGBoost model (depth 4, eta 0.05) on `credo gen` data, saved as
XGBoost JSON, for the decision-latency benchmark's "with a 300-tree GBDT" case.
Usage: bench/train_gbdt300.py APPLICANTS.csv OUT.json  (prints the feature list)"""
import sys

import pandas as pd
import xgboost as xgb

data = pd.read_csv(sys.argv[1])
features = [c for c in data.columns if c not in ("applicant_id", "application_date", "bad")
            and data[c].dtype != object]
model = xgb.XGBClassifier(n_estimators=300, max_depth=4, learning_rate=0.05, tree_method="hist")
model.fit(data[features], data["bad"])
model.get_booster().save_model(sys.argv[2])
print(",".join(features))
