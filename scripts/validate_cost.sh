#!/usr/bin/env bash
# The cost model beside published silicon (Horowitz primitives, EIE PE, NVDLA area, UNPU
# efficiency), written to results/cost_validation.md.
#   scripts/validate_cost.sh [BUILD_DIR=build]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
/usr/bin/python3 scripts/validate_cost.py "$build/dse/qasim" results/cost_validation.md
