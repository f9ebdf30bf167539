#!/bin/sh
# Usage: sanitizer_reports.sh DIR
# Fails (exit 1) when DIR holds any sanitizer report, printing each. Sanitizers write one file per
# process (log_path), child programs included, so a report from any process is caught.
#
# One line is not a finding: "==N==Unable to get registers from thread M." LeakSanitizer prints it
# when ptrace cannot read a thread's registers during its exit-time scan; it then scans that
# thread's whole stack instead and still reports any leak as usual. LLVM demoted the message to a
# verbose-only one for this reason (llvm-project PR 116555). A file holding only such lines is
# shown as a note; a file with anything else fails the run.
set -u
dir=${1:?usage: sanitizer_reports.sh DIR}
benign='^==[0-9]+==Unable to get registers from thread [0-9]+\.$'
found=0
for f in "$dir"/*; do
  [ -e "$f" ] || continue
  if grep -Evq -e "$benign" -e '^[[:space:]]*$' "$f"; then
    echo "== $f"
    cat "$f"
    found=1
  else
    echo "note: $f holds only LeakSanitizer's 'Unable to get registers' message (not a finding):"
    sed 's/^/  /' "$f"
  fi
done
if [ "$found" -ne 0 ]; then
  echo "SANITIZER REPORTS FOUND in $dir"
  exit 1
fi
echo "no sanitizer reports"
