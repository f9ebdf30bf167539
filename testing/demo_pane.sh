#!/bin/sh
# One pane of `make demo`: demo_pane.sh server PORT | demo_pane.sh clientN PORT. A client waits
# until the broker accepts connections, then runs its lobby. The pane stays open at the end so its
# last lines can be read.
here=$(cd "$(dirname "$0")" && pwd)
who=${1:?server or clientN}
port=${2:?port}
cd "$here/$who" || exit 1
if [ "$who" = server ]; then
  PORT=$port ./run.sh
else
  bash "$here/wait_for_port.sh" 127.0.0.1 "$port" 15 && ./run.sh 127.0.0.1 "$port"
fi
echo "[$who ended — press Enter to close this pane]"
read -r _
