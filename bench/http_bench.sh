#!/usr/bin/env bash
# Decisions per second and latency of `credo serve` under wrk on loopback:
# keep-alive connections, the example cash-loan strategy with its scorecard,
# every decision recorded in the SQLite audit log.
# Usage: bench/http_bench.sh [BUILD_DIR] [SECONDS] [CONNECTIONS...]
# Several connection counts run one after the other against the same server
# (e.g. `bench/http_bench.sh build 15 8 16 32`): throughput against latency.
# Besides wrk's figures it prints the server's CPU time per decision (all
# its threads, user + system), which varies less than throughput on a
# shared machine.
set -euo pipefail
build=${1:-build}
seconds=${2:-15}
shift $(($# < 2 ? $# : 2))
connection_counts=("${@:-32}")
port=${CREDO_BENCH_PORT:-18080}
work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/strategies"
"$build/credo" gen --rows 20000 --seed 7 --out "$work/applicants.csv" 2>/dev/null
"$build/credo" model train --data "$work/applicants.csv" --target bad --id applicant_id --method scorecard \
  --out "$work/strategies/models/cash_loan" >/dev/null 2>&1
cp examples/strategies/cash_loan_application.json "$work/strategies/"
"$build/credo" serve --port "$port" --strategies "$work/strategies" --db "$work/decisions.db" \
  --velocity-store "$work/velocity" --ledger "$work/ledger.db" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do
  curl -sf "localhost:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "localhost:$port/healthz" >/dev/null || { cat "$work/serve.log"; exit 1; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
decided() { curl -s "localhost:$port/metrics" | awk '/^credo_decisions_total/ {s += $2} END {print s + 0}'; }
for connections in "${connection_counts[@]}"; do
  echo "== $connections connections"
  ticks_before=$(cpu_ticks)
  decided_before=$(decided)
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/wrk_decide.lua \
    "http://127.0.0.1:$port/v1/decide/cash_loan_application"
  ticks=$(($(cpu_ticks) - ticks_before))
  decisions=$(($(decided) - decided_before))
  awk -v t="$ticks" -v d="$decisions" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {if (d > 0) printf "server CPU per decision: %.0f us (%d decisions)\n", t / hz / d * 1e6, d}'
done
echo "audit: $(decided) decisions recorded"
