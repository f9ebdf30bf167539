#!/bin/sh
# `make demo`: the broker and four clients of the sandboxes, in one tmux session "peerlink"
# (the broker in a strip on top, the clients in a 2x2 grid below), each client registered as
# client1..client4.
# Without tmux: starts the broker in the background and prints how to start the clients.
# PORT (default 12000) picks the broker's port; NO_TMUX=1 forces the tmux-less way.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
port=${PORT:-12000}
session=peerlink

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

if tmux has-session -t "=$session" 2> /dev/null; then
  echo "a tmux session '$session' already exists; close it first (tmux kill-session -t $session)" >&2
  exit 1
fi

pane() {
  printf "sh '%s/demo_pane.sh' %s %s" "$here" "$1" "$port"
}

server=$(tmux new-session -d -P -F '#{pane_id}' -s "$session" -x 200 -y 50 -n demo "$(pane server)")
# The broker in a strip on top, the four clients in a 2x2 grid below it.
c1=$(tmux split-window -v -P -F '#{pane_id}' -t "$server" -l 80% "$(pane client1)")
c2=$(tmux split-window -h -P -F '#{pane_id}' -t "$c1" "$(pane client2)")
tmux split-window -v -t "$c1" "$(pane client3)"
tmux split-window -v -t "$c2" "$(pane client4)"
tmux select-pane -t "$c1"

if [ -n "${TMUX:-}" ]; then
  tmux switch-client -t "$session"
elif [ -t 0 ] && [ -t 1 ]; then
  tmux attach-session -t "$session"
else
  echo "tmux session '$session' started: attach with  tmux attach -t $session"
fi
