#!/usr/bin/env bash
# Builds the ridge example against the repository (by path), runs the harness on its
# problems beside two built-in solvers, checks the cells against reference/cells.csv,
# and shows its own `problemsuite` (ridge-suite) listing the added family and solver.
# Exit status non-zero on a build failure, a failed gradient check or a regression.
set -euo pipefail
cd "$(dirname "$0")"
swift build --product ridge-example
swift build --product ridge-suite
bin="$(swift build --show-bin-path)"
"$bin/ridge-example" "$@"
"$bin/ridge-suite" list --families
"$bin/ridge-suite" list --solvers
"$bin/ridge-suite" list --problems-dir Problems
