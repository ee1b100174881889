#!/usr/bin/env bash
# `make run`: Credo on its embedded defaults with demo data it generates itself.
# Generates an applicant population, builds a credit model (scorecard vs GBDT,
# the better one kept), scores new applicants with reason codes, and points
# at the model report.
set -euo pipefail
credo=${1:-build/credo}
demo=${CREDO_DEMO_DIR:-demo}
mkdir -p "$demo"

if [ ! -f "$demo/applicants.csv" ]; then
  "$credo" gen --rows 50000 --seed 7 --out "$demo/applicants.csv"
fi
if [ ! -f "$demo/new_applicants.csv" ]; then
  "$credo" gen --rows 1000 --seed 8 --out "$demo/new_applicants.csv"
fi
if [ ! -f "$demo/model/model.json" ]; then
  "$credo" model train --data "$demo/applicants.csv" --target bad --method auto --time-budget 30 \
    --split-by application_date --split-at 2026-01-01 --out "$demo/model"
fi
"$credo" model score --model "$demo/model/model.json" --data "$demo/new_applicants.csv" --out "$demo/scores.csv"

echo
echo "First scored applicants ($demo/scores.csv):"
head -n 6 "$demo/scores.csv" | cut -c1-160
echo
echo "Model report: $demo/model/report.html (open it in a browser; the numbers are in report.json)"
