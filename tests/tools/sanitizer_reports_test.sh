#!/bin/sh
# Checks sanitizer_reports.sh: real reports fail, an empty folder and LSan's lone
# "Unable to get registers" message pass.
set -u
script="$(dirname "$0")/sanitizer_reports.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
expect() {  # expect EXIT_CODE CASE
  sh "$script" "$tmp/$2" >"$tmp/$2.out" 2>&1
  got=$?
  if [ "$got" -ne "$1" ]; then
    echo "FAIL: case $2: exit $got, expected $1"; cat "$tmp/$2.out"; failures=$((failures + 1))
  else
    echo "ok: case $2 (exit $got)"
  fi
}
mkdir "$tmp/empty" "$tmp/benign" "$tmp/leak" "$tmp/mixed" "$tmp/tsan"
printf '==20591==Unable to get registers from thread 20575.\n' >"$tmp/benign/asan.20575"
printf '\n==1==ERROR: LeakSanitizer: detected memory leaks\n' >"$tmp/leak/asan.1"
printf '==20591==Unable to get registers from thread 20575.\n==20575==ERROR: LeakSanitizer: detected memory leaks\n' >"$tmp/mixed/asan.20575"
printf '==================\nWARNING: ThreadSanitizer: data race (pid=7)\n' >"$tmp/tsan/tsan.7"
expect 0 empty
expect 0 benign
expect 1 leak
expect 1 mixed
expect 1 tsan
[ "$failures" -eq 0 ]
