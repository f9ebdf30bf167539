#!/bin/sh
# Creates the `make test` sandboxes: ./testing/server and ./testing/client1..client4, each with
# the four programs from ./exec and a run.sh; the clients also get shared/ (sample files) and
# downloads/. Safe to run again: programs and run scripts are refreshed, sample files are only
# made when missing or the wrong size, and downloads/ is never touched.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin="$root/exec"
programs="_s _c _peer_server _peer_client"
clients="1 2 3 4"
big_size=52428800  # 50 MiB
mib=1048576

for p in $programs; do
  if [ ! -x "$bin/$p" ]; then
    echo "make_sandboxes: $bin/$p is missing — run make first" >&2
    exit 1
  fi
done

# install_programs DIR: fresh copies of the four programs (they find each other next to
# themselves, so each sandbox is self-contained).
install_programs() {
  mkdir -p "$1"
  for p in $programs; do
    cp -f "$bin/$p" "$1/$p.new"
    mv -f "$1/$p.new" "$1/$p"  # rename: a running copy keeps its old file
  done
}

# size_of FILE: its size in bytes, or -1 if it does not exist.
size_of() {
  if [ -f "$1" ]; then wc -c < "$1" | tr -d ' '; else echo -1; fi
}

# random_bytes SEED COUNT: COUNT deterministic pseudo-random bytes (a 32-bit LCG whose products
# stay below 2^53, so every awk computes the same bytes).
random_bytes() {
  LC_ALL=C awk -v seed="$1" -v n="$2" 'BEGIN {
    x = seed
    for (i = 0; i < n; i++) {
      x = (x * 69069 + 1) % 4294967296
      printf "%c", int(x / 16777216)
    }
  }'
}

# make_file PATH SIZE COMMAND...: runs COMMAND into PATH unless PATH already has SIZE bytes.
make_file() {
  path=$1
  size=$2
  shift 2
  if [ "$(size_of "$path")" = "$size" ]; then return 0; fi
  "$@" > "$path.tmp"
  mv -f "$path.tmp" "$path"
}

notes() {
  cat <<NOTES
Notes of client$1
================

This folder is what client$1 shares with the other peerlink users.
Try, in the lobby of another client:
  users            who is online
  info client$1     where client$1 listens
  chat client$1     ask for a chat session (client$1 answers y or n)
In a session, any line is a chat message; /send PATH offers a file, /quit returns to the lobby.
NOTES
}

# The 50 MiB file is the same in every client, so its SHA-256 is the same everywhere: made once
# from 1 MiB of pseudo-random bytes repeated under numbered headers, then copied.
big_chunks() {
  block="$1"
  i=0
  while [ $i -lt 50 ]; do
    printf 'peerlink sample chunk %02d\n' $i
    cat "$block"
    i=$((i + 1))
  done | head -c $big_size
}

install_programs "$here/server"
cat > "$here/server/run.sh" <<'RUN'
#!/bin/sh
# Starts this sandbox's broker on $PORT (default 12000). Extra arguments go to _s.
cd "$(dirname "$0")" || exit 1
exec ./_s --port "${PORT:-12000}" "$@"
RUN
chmod +x "$here/server/run.sh"

big_source=""
for n in $clients; do
  dir="$here/client$n"
  install_programs "$dir"
  mkdir -p "$dir/shared" "$dir/downloads"
  cat > "$dir/run.sh" <<RUN
#!/bin/sh
# Starts client$n's lobby: ./run.sh [HOST] [PORT] (default 127.0.0.1 12000).
cd "\$(dirname "\$0")" || exit 1
# Each sandbox is its own machine: its identity key and the broker key it pinned live in
# ./config/peerlink, and go away with the sandbox (docs/SECURITY.md).
export XDG_CONFIG_HOME="\$PWD/config"
exec ./_c "\${1:-127.0.0.1}" "\${2:-12000}" --user client$n --share ./shared --downloads ./downloads
RUN
  chmod +x "$dir/run.sh"

  notes "$n" > "$dir/shared/notes-client$n.txt.tmp"
  mv -f "$dir/shared/notes-client$n.txt.tmp" "$dir/shared/notes-client$n.txt"
  printf 'A file whose name has spaces, from client%s.\n' "$n" > "$dir/shared/read me.txt"
  make_file "$dir/shared/random-client$n.bin" $mib random_bytes "$n" $mib

  big="$dir/shared/big-50MiB.bin"
  if [ -n "$big_source" ]; then
    make_file "$big" $big_size cat "$big_source"
  else
    make_file "$big" $big_size big_chunks "$dir/shared/random-client$n.bin"
    big_source=$big
  fi
done

echo "sandboxes ready in $here:"
echo "  server/    ./run.sh                 (broker on \${PORT:-12000})"
for n in $clients; do
  echo "  client$n/   ./run.sh [HOST] [PORT]   (lobby as client$n)"
done
