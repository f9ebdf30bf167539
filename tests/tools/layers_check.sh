#!/bin/sh
# Checks the tree's layering (docs/ARCHITECTURE.md, "Layers"):
#  1. a common/ layer includes only itself and the layers below it;
#  2. a program folder includes only common/ and itself, never another program;
#  3. every module of common/ is reached (#includes followed transitively from a program's files,
#     a header bringing its .cpp) by at least two programs: otherwise it belongs to its program;
#  4. no two classes or structs in the production tree share a name (even in different
#     namespaces: a reader should never have to ask which one is meant).
# Usage: layers_check.sh ROOT. Exit 0 if all hold; otherwise prints each violation and exits 1.
set -u
root=${1:?usage: layers_check.sh ROOT}
cd "$root" || exit 2
programs="server client peer_server peer_client"
failures=0
fail() { echo "layers: $*"; failures=$((failures + 1)); }

allowed() {  # the folders a common/ layer may include
  case $1 in
    base) echo "base" ;;
    crypto) echo "base crypto" ;;
    noise) echo "base crypto noise" ;;
    net) echo "base net" ;;
    wire) echo "base wire" ;;
    fs) echo "base crypto wire fs" ;;
    term) echo "base term" ;;
    handoff) echo "base crypto noise net wire fs term handoff" ;;
    session) echo "base crypto noise net wire fs term handoff session" ;;
    *) echo "" ;;
  esac
}

includes() { sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$@" 2>/dev/null; }

# 1. Layers.
for dir in common/*/; do
  layer=$(basename "$dir")
  ok=$(allowed "$layer")
  [ -n "$ok" ] || { fail "common/$layer is not a known layer (add it to this script and ARCHITECTURE.md)"; continue; }
  for f in "$dir"*.h "$dir"*.cpp; do
    [ -f "$f" ] || continue
    for inc in $(includes "$f"); do
      case $inc in
        common/*)
          to=$(echo "$inc" | cut -d/ -f2)
          case " $ok " in *" $to "*) ;; *) fail "$f includes $inc: $layer may include only: $ok" ;; esac ;;
        *) fail "$f includes $inc: common/ may include only common/" ;;
      esac
    done
  done
done

# 2. Programs.
for p in $programs; do
  [ -d "$p" ] || continue
  for f in $(find "$p" -name '*.h' -o -name '*.cpp'); do
    for inc in $(includes "$f"); do
      case $inc in
        common/* | "$p"/*) ;;
        *) fail "$f includes $inc: a program includes only common/ and its own folder" ;;
      esac
    done
  done
done

# 3. Who reaches each common/ module.
reach=$(mktemp)
trap 'rm -f "$reach" "$reach".*' EXIT
for p in $programs; do
  [ -d "$p" ] || continue
  find "$p" -name '*.h' -o -name '*.cpp' | sort >"$reach.set"
  while :; do
    for inc in $(includes $(cat "$reach.set")); do
      [ -f "$inc" ] && echo "$inc"
      case $inc in *.h) [ -f "${inc%.h}.cpp" ] && echo "${inc%.h}.cpp" ;; esac
    done | cat - "$reach.set" | sort -u >"$reach.next"
    cmp -s "$reach.set" "$reach.next" && break
    mv "$reach.next" "$reach.set"
  done
  grep '^common/' "$reach.set" | sed 's/\.\(h\|cpp\)$//' | sort -u | sed "s|\$| $p|" >>"$reach"
done
for f in $(find common -name '*.h' -o -name '*.cpp' | sed 's/\.\(h\|cpp\)$//' | sort -u); do
  n=$(grep -c "^$f " "$reach")
  [ "$n" -ge 2 ] || fail "$f is reached by $n program(s): $(grep "^$f " "$reach" | cut -d' ' -f2 | tr '\n' ' ')(a module used by one program lives in its folder)"
done

# 4. Class names (defined in a header or inside a .cpp; forward declarations do not count).
dups=$(find common $programs -name '*.h' -o -name '*.cpp' 2>/dev/null | xargs sed -n 's/^\(class\|struct\) \([A-Za-z_][A-Za-z0-9_]*\) *[:{].*/\2/p' | sort | uniq -d)
for d in $dups; do fail "two classes named $d"; done

[ "$failures" -eq 0 ] && echo "layers: ok"
[ "$failures" -eq 0 ]
