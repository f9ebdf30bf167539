#!/bin/sh
# One pane of `make demo`: demo_pane.sh server PORT | demo_pane.sh clientN PORT. A client waits
# until the broker accepts connections, then runs its lobby. The broker's output also goes to
# server/server.out (the log strips and `make demo`'s start check read it; server/.ended appears
# when it stops). Ctrl-C ends the program, not the pane: its last lines stay, and Enter starts it
# again (Ctrl-D closes the pane).
here=$(cd "$(dirname "$0")" && pwd)
who=${1:?server or clientN}
port=${2:?port}
cd "$here/$who" || exit 1
# A handler, not "ignore": the program started below gets the default SIGINT back at exec, so
# Ctrl-C still ends it, while this shell lives on to keep the pane.
trap 'echo' INT
while :; do
  if [ "$who" = server ]; then
    { PORT=$port ./run.sh; echo $? > .ended; } 2>&1 | tee -a server.out
  else
    bash "$here/wait_for_port.sh" 127.0.0.1 "$port" 15 && ./run.sh 127.0.0.1 "$port"
  fi
  status=$?
  [ "$who" = server ] && status=$(cat .ended 2> /dev/null || echo '?')
  printf '[%s ended (status %s): Enter starts it again, Ctrl-D closes this pane]\n' "$who" "$status"
  read -r _ || exit 0
  rm -f .ended
done
