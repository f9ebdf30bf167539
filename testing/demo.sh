#!/bin/sh
# `make demo`: the broker and four clients of the sandboxes in one tmux session "peerlink",
# laid out for the terminal it is started from (docs/DEMO.md):
#  - big enough for a grid (at least 81x27): the broker's log in a strip on top and the four
#    clients in a 2x2 grid below it, every client pane at least 40x10;
#  - smaller (80x24 and up): one tmux window per client, each with the broker's live log in a
#    4-line strip on top; the status line names the windows (Ctrl-b n / Ctrl-b p or Ctrl-b 1..4
#    switch, Ctrl-b 0 is the broker's own window).
# Without tmux: starts the broker in the background and prints how to start the clients.
# PORT (default 12000; 0: any free port) picks the broker's port; NO_TMUX=1 forces the tmux-less way.
# For tests: DEMO_SIZE=COLSxROWS replaces the terminal's size, DEMO_DETACHED=1 does not attach,
# DEMO_TMUX_SOCKET=PATH runs tmux on that private socket instead of the user's server.
# Exits non-zero, with the broker's last lines, if the broker did not start.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
port=${PORT:-12000}
session=peerlink
grid_cols=81  # two 40-column panes and their border
grid_rows=27  # a 4-row broker strip, two 10-row panes, borders and the status line

if [ -n "${NO_TMUX:-}" ] || ! command -v tmux > /dev/null 2>&1; then
  cd "$here/server"
  PORT=$port nohup ./run.sh > server.out 2>&1 &
  pid=$!
  if ! bash "$here/wait_for_port.sh" 127.0.0.1 "$port" 10; then
    echo "the broker did not start; see $here/server/server.out" >&2
    exit 1
  fi
  echo "Without tmux: the broker runs in the background (pid $pid, port $port,"
  echo "output in $here/server/server.out). Start each client in its own terminal:"
  for n in 1 2 3 4; do
    echo "  cd $here/client$n && ./run.sh 127.0.0.1 $port"
  done
  echo "Stop the broker with: kill $pid"
  exit 0
fi

t() {
  if [ -n "${DEMO_TMUX_SOCKET:-}" ]; then tmux -S "$DEMO_TMUX_SOCKET" "$@"; else tmux "$@"; fi
}

# The size to lay out for: DEMO_SIZE, the tmux client we run in, or this terminal.
if [ -n "${DEMO_SIZE:-}" ]; then
  cols=${DEMO_SIZE%x*}
  rows=${DEMO_SIZE#*x}
elif [ -n "${TMUX:-}" ] && [ -z "${DEMO_TMUX_SOCKET:-}" ]; then
  cols=$(tmux display-message -p '#{client_width}')
  rows=$(tmux display-message -p '#{client_height}')
elif size=$(stty size < /dev/tty 2> /dev/null) && [ -n "$size" ]; then
  rows=${size% *}
  cols=${size#* }
else
  cols=80
  rows=24
fi
if [ "$cols" -lt 80 ] || [ "$rows" -lt 24 ]; then
  echo "make demo: this terminal is ${cols}x${rows}; the demo needs at least 80x24" >&2
  exit 1
fi

if t has-session -t "=$session" 2> /dev/null; then
  echo "a tmux session '$session' already exists; close it first (tmux kill-session -t $session)" >&2
  exit 1
fi

pane() {
  printf "sh '%s/demo_pane.sh' %s %s" "$here" "$1" "$port"
}
log_strip() {
  printf "tail -n 50 -F '%s/server/server.out' 2> /dev/null" "$here"
}

rm -f "$here/server/server.out" "$here/server/.ended"
# tmux's own status line takes one row.
server=$(t new-session -d -P -F '#{pane_id}' -s "$session" -x "$cols" -y "$((rows - 1))" \
  -n broker "$(pane server)")
t set-option -t "$session" remain-on-exit off > /dev/null

# The broker must be listening before the clients start; if it ended instead, say why. PORT=0
# lets the system pick the port: it is read back from the broker's "listening on" line.
started=no
for _ in $(seq 50); do
  line=$(grep -m 1 'listening on' "$here/server/server.out" 2> /dev/null || true)
  if [ -n "$line" ]; then
    port=${line##*:}
    started=yes
    break
  fi
  [ -f "$here/server/.ended" ] && break
  sleep 0.2
done
if [ "$started" != yes ]; then
  echo "make demo: the broker did not start on port $port. Its last lines:" >&2
  tail -n 15 "$here/server/server.out" >&2 2> /dev/null || true
  t kill-session -t "=$session" 2> /dev/null || true
  exit 1
fi

if [ "$cols" -ge "$grid_cols" ] && [ "$rows" -ge "$grid_rows" ]; then
  # The broker in a strip on top, the four clients in a 2x2 grid below it.
  t rename-window -t "$server" demo
  strip=$(( (rows - 1) / 6 ))
  [ "$strip" -lt 4 ] && strip=4
  c1=$(t split-window -v -P -F '#{pane_id}' -t "$server" -l "$((rows - 2 - strip))" "$(pane client1)")
  c2=$(t split-window -h -P -F '#{pane_id}' -t "$c1" "$(pane client2)")
  t split-window -v -t "$c1" "$(pane client3)"
  t split-window -v -t "$c2" "$(pane client4)"
  t select-pane -t "$c1"
else
  # One window per client, the broker's log in a strip on top of each.
  for n in 1 2 3 4; do
    c=$(t new-window -d -P -F '#{pane_id}' -t "$session:$n" -n "client$n" "$(pane "client$n")")
    t split-window -v -b -d -t "$c" -l 4 "$(log_strip)"
  done
  # Room in 80 columns for the five window names and the one key that is not obvious.
  t set-option -t "$session" status-left "" > /dev/null
  t set-option -t "$session" status-right " Ctrl-b 0: broker " > /dev/null
  t select-window -t "$session:1"
fi

if [ -n "${DEMO_DETACHED:-}" ]; then
  echo "tmux session '$session' started (${cols}x${rows})"
elif [ -n "${TMUX:-}" ] && [ -z "${DEMO_TMUX_SOCKET:-}" ]; then
  tmux switch-client -t "$session"
elif [ -t 0 ] && [ -t 1 ]; then
  t attach-session -t "$session"
else
  echo "tmux session '$session' started: attach with  tmux attach -t $session"
fi
