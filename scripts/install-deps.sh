#!/usr/bin/env bash
# Installs every Debian package Credo needs to build, test, benchmark and run.
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake make ninja-build ccache pkg-config git ca-certificates
  # libraries
  tzdata zlib1g-dev libsqlite3-dev nlohmann-json3-dev libeigen3-dev libxgboost-dev libcli11-dev
  libmicrohttpd-dev libjemalloc-dev librocksdb-dev libyaml-cpp-dev libsimdjson-dev
  # the PostgreSQL ledger store (libpqxx) and the server its tests start (scripts/pg-test-cluster.sh)
  libpqxx-dev postgresql
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev libcpp-httplib-dev
  # peers for the model benchmark (bench/model_peers.py)
  time python3 python3-sklearn python3-xgboost python3-pandas python3-numpy
  # load generator and client for the HTTP benchmark
  wrk curl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
