#!/bin/sh
# Checks layers_check.sh itself: the real tree passes, and each kind of violation in a small
# made-up tree is reported.
set -u
here=$(cd "$(dirname "$0")" && pwd)
script="$here/layers_check.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
expect() {  # expect EXIT_CODE CASE TEXT: runs the check on $tmp/CASE; its output must hold TEXT
  sh "$script" "$tmp/$2" >"$tmp/$2.out" 2>&1
  got=$?
  if [ "$got" -ne "$1" ] || ! grep -q -- "$3" "$tmp/$2.out"; then
    echo "FAIL: case $2: exit $got (expected $1), output:"; cat "$tmp/$2.out"; failures=$((failures + 1))
  else
    echo "ok: case $2"
  fi
}
tree() {  # tree CASE: two programs sharing one base module
  mkdir -p "$tmp/$1/common/base" "$tmp/$1/common/session" "$tmp/$1/server" "$tmp/$1/client"
  printf '#pragma once\nstruct Fd {};\n' >"$tmp/$1/common/base/fd.h"
  printf '#include "common/base/fd.h"\n' >"$tmp/$1/common/base/fd.cpp"
  printf '#pragma once\n#include "common/base/fd.h"\nclass Session {};\n' >"$tmp/$1/common/session/session.h"
  printf '#include "common/base/fd.h"\n#include "common/session/session.h"\n' >"$tmp/$1/server/main.cpp"
  printf '#include "common/session/session.h"\n' >"$tmp/$1/client/main.cpp"
}
tree good
expect 0 good "layers: ok"
tree upward
printf '#include "common/session/session.h"\n' >>"$tmp/upward/common/base/fd.cpp"
expect 1 upward "common/base/fd.cpp includes common/session/session.h"
tree sideways
printf '#include "server/broker.h"\n' >>"$tmp/sideways/client/main.cpp"
expect 1 sideways "client/main.cpp includes server/broker.h"
tree lonely
printf '#pragma once\n' >"$tmp/lonely/common/base/only_server.h"
printf '#include "common/base/only_server.h"\n' >>"$tmp/lonely/server/main.cpp"
expect 1 lonely "common/base/only_server is reached by 1 program"
tree twins
printf '#pragma once\nclass Session {};\n' >"$tmp/twins/server/session.h"
printf '#include "server/session.h"\n' >>"$tmp/twins/server/main.cpp"
expect 1 twins "two classes named Session"
tree hidden
printf 'namespace {\nclass Session {\n};\n}\n' >"$tmp/hidden/server/main.cpp"
printf '#include "common/base/fd.h"\n#include "common/session/session.h"\n' >>"$tmp/hidden/server/main.cpp"
expect 1 hidden "two classes named Session"
sh "$script" "$here/../.." || { echo "FAIL: the real tree"; failures=$((failures + 1)); }
[ "$failures" -eq 0 ]
