#!/bin/bash
# The layering check: every #include under sim/, harness/, sched/, workloads/ and tests/ must
# follow the rules of scripts/layers*.conf (one line per folder, `FOLDER: ALLOWED ...`), and no
# folders may include each other in a circle. Prints each violation with both files and the
# rule, exits 1 if there is any. Run by the test suite (tests/unit/test_layers.c).
#   bash scripts/check-layers.sh [--calls BUILD/obj] [TREE]   (default: this repository; with
#   --calls the symbols the objects of a build use are checked by the same rules)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/lib/check_layers.py" "$@"
