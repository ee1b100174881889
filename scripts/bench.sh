#!/usr/bin/env bash
# `make bench`: the measured figures of the issues, each against its target or peer.
set -euo pipefail
build=${1:-build}
data_dir=${CREDO_DATA_DIR:-../shared/data}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== binning + WOE, 100 numeric variables x 1,000,000 rows (target < 10 s)"
"$build/credo" gen --rows 1000000 --seed 3 --wide 85 --out "$work/wide.csv"  # 15 + 85 = 100 numeric variables
"$build/bench/binning_bench" "$work/wide.csv"

if [ -f "$data_dir/gmsc_train.csv" ]; then
  echo "== credo model train --method auto on Give Me Some Credit, 100,000 rows (target < 60 s)"
  /usr/bin/time -f "wall %e s, max RSS %M KiB" "$build/credo" model train --data "$data_dir/gmsc_train.csv" \
    --target SeriousDlqin2yrs --method auto --out "$work/gmsc"
else
  echo "== Give Me Some Credit not found under $data_dir: skipped"
fi

echo "== model builder vs scikit-learn and XGBoost on the real datasets"
/usr/bin/python3 bench/model_peers.py --credo "$build/credo" --data-dir "$data_dir"
