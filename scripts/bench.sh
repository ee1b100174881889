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

echo "== decision engine beside ZEN (npm @gorules/zen-engine), same graphs, same run (target >= 2x on every graph)"
if command -v node >/dev/null && command -v npm >/dev/null; then
  /usr/bin/python3 bench/zen_compare.py --build "$build"
else
  echo "Node.js/npm not found: skipped (Debian: apt-get install nodejs npm)"
fi

echo "== example strategy in-process latency (targets p99 < 50 us without the model node, < 100 us with a 300-tree GBDT)"
"$build/bench/decision_bench" latency examples/strategies/cash_loan_rules_only.json examples/strategies/cash_loan_request.json
"$build/credo" gen --rows 20000 --seed 7 --out "$work/gbdt_train.csv"
features=$(/usr/bin/python3 bench/train_gbdt300.py "$work/gbdt_train.csv" "$work/xgb300.json")
"$build/credo" model import-xgboost --json "$work/xgb300.json" --features "$features" --out "$work/gbdt300/model.json"
echo "-- reason codes (SHAP) on every decision, then on none (reasonsWhen false, as approvals)"
"$build/bench/decision_bench" latency examples/strategies/cash_loan_application.json \
  examples/strategies/cash_loan_request.json --model "$work/gbdt300/model.json"
"$build/bench/decision_bench" latency examples/strategies/cash_loan_application.json \
  examples/strategies/cash_loan_request.json --model "$work/gbdt300/model.json" --reasons-when false

echo "== feature engine: 5,018 features on typical documents (target p99 < 1 ms), batch vs pandas (target >= 10x)"
"$build/credo" gen --documents --typical-size --rows 5000 --seed 11 --out "$work/typical.jsonl"
"$build/bench/features_bench" latency bench/features_5000 "$work/typical.jsonl"
/usr/bin/python3 bench/features_pandas_peer.py --defs bench/features_5000 --docs "$work/typical.jsonl" --credo "$build/credo"
echo "-- 1,032 of them (previous applications and contacts), same documents"
mkdir -p "$work/defs1000"
cp bench/features_5000/previous_applications.yaml bench/features_5000/contacts.yaml "$work/defs1000/"
/usr/bin/python3 bench/features_pandas_peer.py --defs "$work/defs1000" --docs "$work/typical.jsonl" --credo "$build/credo"
"$build/credo" gen --documents --rows 5000 --seed 7 --out "$work/documents.jsonl"
/usr/bin/python3 bench/features_pandas_peer.py --defs examples/features/applicant --docs "$work/documents.jsonl" \
  --credo "$build/credo"
if [ -f "$data_dir/home_credit/application.csv.gz" ]; then
  "$build/credo" features docs --tables "$data_dir/home_credit" --spec examples/home_credit/tables.yaml \
    --out "$work/home_credit.jsonl"
  /usr/bin/python3 bench/features_pandas_peer.py --defs examples/home_credit/features --docs "$work/home_credit.jsonl" \
    --credo "$build/credo"
  echo "== Home Credit: 5-fold CV AUC, application table alone vs with the generated features"
  /usr/bin/python3 bench/home_credit_features_auc.py --credo "$build/credo" --data-dir "$data_dir"
else
  echo "== Home Credit sample not found under $data_dir: skipped"
fi

echo "== velocity store: events ingested per second, count latency"
"$build/bench/velocity_bench"

echo "== one-applicant GBDT scoring, native vs XGBoost C API (300 trees)"
"$build/bench/tree_walker_bench" --benchmark_min_time=1

echo "== HTTP: credo serve under wrk, keep-alive, audit on (target >= 10,000 decisions/s, p99 < 5 ms)"
bash bench/http_bench.sh "$build" 15 8 16 32
