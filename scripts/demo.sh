#!/usr/bin/env bash
# `make run`: Credo on its embedded defaults with demo data it generates itself.
# Generates an applicant population, builds a credit model (scorecard vs GBDT,
# the better one kept), scores new applicants with reason codes, points at the
# model report, then sets up the example cash-loan strategy with its own
# scorecard, takes one decision on the command line and starts `credo serve`.
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

# The example strategy (examples/strategies) reads its scorecard from
# models/cash_loan/ beside it: the demo keeps a writable copy in $demo/strategies.
mkdir -p "$demo/strategies"
cp examples/strategies/cash_loan_application.json "$demo/strategies/"
if [ ! -f "$demo/strategies/models/cash_loan/model.json" ]; then
  "$credo" model train --data "$demo/applicants.csv" --target bad --id applicant_id --method scorecard \
    --out "$demo/strategies/models/cash_loan" >/dev/null
fi
echo
echo "One decision: credo decide $demo/strategies/cash_loan_application.json --input examples/strategies/cash_loan_request.json"
"$credo" decide "$demo/strategies/cash_loan_application.json" --input examples/strategies/cash_loan_request.json

port=${CREDO_PORT:-8080}
echo
echo "Starting the decision service. In another terminal:"
echo "  curl -s -X POST localhost:$port/v1/decide/cash_loan_application -H 'Content-Type: application/json' \\"
echo "       --data @examples/strategies/cash_loan_request.json"
echo "  curl -s -X POST localhost:$port/v1/loans -H 'Content-Type: application/json' \\"
echo "       --data '{\"request_key\": \"demo-1\", \"customer_id\": \"c-1\", \"product\": \"cash_installment\", \"principal\": \"2700.00\", \"term\": 12, \"start\": \"2026-01-15\"}'"
echo "Stop it with Ctrl-C."
exec "$credo" serve --port "$port" --strategies "$demo/strategies" --db "$demo/decisions.db" \
  --velocity-store "$demo/velocity" --ledger "$demo/ledger.db"
