#!/bin/sh
# Self-test of the constant-time check: `ct_check --leaky` branches on a secret and indexes a
# table with it, so memcheck must report it and valgrind must exit with --error-exitcode (1).
# Any other outcome (no report, a crash, valgrind missing) fails this test.
# Usage: detects_leaks.sh VALGRIND CT_CHECK
set -u
valgrind=${1:?usage: detects_leaks.sh VALGRIND CT_CHECK}
ct_check=${2:?usage: detects_leaks.sh VALGRIND CT_CHECK}
log=$(mktemp) || exit 2
trap 'rm -f "$log"' EXIT
"$valgrind" --error-exitcode=1 -q --track-origins=yes "$ct_check" --leaky >"$log" 2>&1
status=$?
if [ "$status" -ne 1 ]; then
  cat "$log"
  echo "detects_leaks: valgrind exited $status, expected 1 (memcheck reporting the leak)"
  exit 1
fi
for report in "Conditional jump or move depends on uninitialised value" \
              "Use of uninitialised value"; do
  if ! grep -q "$report" "$log"; then
    cat "$log"
    echo "detects_leaks: memcheck did not say: $report"
    exit 1
  fi
done
echo "detects_leaks: memcheck reported the deliberate leaks"
