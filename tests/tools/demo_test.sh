#!/bin/bash
# demo_test.sh BIN_DIR: runs testing/demo.sh detached on a private tmux socket with stand-in
# sandboxes (the real programs from BIN_DIR, nothing else), and checks the layout it picks from
# 80x24 up (every client pane at least 40x10, or its own window with the broker's log on top),
# that each client really reaches the lobby, and that a broker that cannot start makes it fail
# loudly. Skipped (exit 77) without tmux.
set -u
bin=$(cd "${1:?BIN_DIR}" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
command -v tmux > /dev/null 2>&1 || { echo "tmux missing: skipped"; exit 77; }

tmp=$(mktemp -d)
sock="$tmp/tmux.sock"
blocker=""
cleanup() {
  tmux -S "$sock" kill-server 2> /dev/null
  [ -n "$blocker" ] && kill "$blocker" 2> /dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; tmux -S "$sock" list-panes -a -F '#{window_name} #{pane_width}x#{pane_height}' 2> /dev/null; exit 1; }

mkdir -p "$tmp/testing/server"
cp "$src/testing/demo.sh" "$src/testing/demo_pane.sh" "$src/testing/wait_for_port.sh" "$tmp/testing/"
cat > "$tmp/testing/server/run.sh" << RUN
#!/bin/sh
exec "$bin/_s" --port "\$PORT" --state-dir ./state
RUN
for n in 1 2 3 4; do
  d="$tmp/testing/client$n"
  mkdir -p "$d/shared" "$d/downloads"
  cat > "$d/run.sh" << RUN
#!/bin/sh
export XDG_CONFIG_HOME="\$PWD/config"
exec "$bin/_c" "\$1" "\$2" --user client$n --share ./shared --downloads ./downloads
RUN
done
chmod +x "$tmp"/testing/*/run.sh

# wait_until SECONDS COMMAND...: polls COMMAND (every 0.1 s) until it succeeds.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.1
  done
}
all_in_lobby() {
  local n
  for n in 1 2 3 4; do
    tmux -S "$sock" capture-pane -p -t "$(client_pane "$n")" 2> /dev/null | grep -q "client$n>" || return 1
  done
}
client_pane() {
  tmux -S "$sock" list-panes -a -F '#{pane_id} #{pane_start_command}' |
    grep "demo_pane.sh' client$1 " | cut -d' ' -f1
}

run_demo() {  # run_demo COLSxROWS
  DEMO_SIZE=$1 DEMO_DETACHED=1 DEMO_TMUX_SOCKET=$sock PORT=0 sh "$tmp/testing/demo.sh" ||
    fail "demo at $1 exited $?"
}

check_layout() {  # check_layout COLSxROWS grid|windows
  run_demo "$1"
  local panes windows
  panes=$(tmux -S "$sock" list-panes -a -F '#{window_name} #{pane_width} #{pane_height} #{pane_start_command}')
  windows=$(tmux -S "$sock" list-windows -F '#{window_name}' | tr '\n' ' ')
  echo "$1: windows: $windows"
  local n
  for n in 1 2 3 4; do
    local line w h
    line=$(echo "$panes" | grep "demo_pane.sh' client$n ") || fail "$1: no pane for client$n"
    w=$(echo "$line" | cut -d' ' -f2)
    h=$(echo "$line" | cut -d' ' -f3)
    echo "  client$n: ${w}x${h} in window $(echo "$line" | cut -d' ' -f1)"
    [ "$w" -ge 40 ] && [ "$h" -ge 10 ] || fail "$1: client$n pane is ${w}x${h}"
    if [ "$2" = windows ]; then
      echo "$line" | grep -q "^client$n " || fail "$1: client$n is not in its own window"
      # The broker's log is visible above it: a pane running tail on server.out in that window.
      echo "$panes" | grep "^client$n " | grep -q "server.out" || fail "$1: no broker log in client$n's window"
    fi
  done
  if [ "$2" = grid ]; then
    [ "$(echo "$panes" | wc -l)" = 5 ] || fail "$1: expected one window with 5 panes"
  fi
  wait_until 20 all_in_lobby || fail "$1: not every client reached its lobby"
  # Ctrl-C ends a client but leaves its pane open with its last lines.
  tmux -S "$sock" send-keys -t "$(client_pane 1)" C-c
  wait_until 10 sh -c "tmux -S '$sock' capture-pane -p -t '$(client_pane 1)' | grep -q 'client1 ended'" ||
    fail "$1: after Ctrl-C, client1's pane does not say it ended"
  [ -n "$(client_pane 1)" ] || fail "$1: client1's pane closed on Ctrl-C"
  tmux -S "$sock" kill-server 2> /dev/null
  wait_until 5 sh -c "! tmux -S '$sock' has-session 2> /dev/null"
}

check_layout 80x24 windows
check_layout 100x30 grid
check_layout 200x50 grid

# A broker that cannot start (its port is taken by another broker) fails the demo loudly.
"$bin/_s" --port 0 --state-dir "$tmp/blocker" > "$tmp/blocker.out" 2>&1 &
blocker=$!
wait_until 10 grep -q 'listening on' "$tmp/blocker.out" || fail "the blocking broker did not start"
taken=$(grep -m 1 'listening on' "$tmp/blocker.out")
taken=${taken##*:}
if DEMO_SIZE=100x30 DEMO_DETACHED=1 DEMO_TMUX_SOCKET=$sock PORT=$taken \
  sh "$tmp/testing/demo.sh" > "$tmp/fail.out" 2>&1; then
  fail "the demo succeeded with its port taken"
fi
grep -q "the broker did not start" "$tmp/fail.out" || fail "no clear message: $(cat "$tmp/fail.out")"
tmux -S "$sock" has-session -t '=peerlink' 2> /dev/null && fail "a broken session was left open"
echo "PASS"
