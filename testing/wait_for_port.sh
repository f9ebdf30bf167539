#!/bin/bash
# wait_for_port.sh HOST PORT [SECONDS]: waits (default 10 s) until something accepts TCP
# connections on HOST:PORT, so demo clients start only once the broker listens. Exit 1 on timeout.
host=${1:?host}
port=${2:?port}
tries=$(( ${3:-10} * 5 ))
for _ in $(seq "$tries"); do
  # bash's /dev/tcp: no nc needed. The probe connects and closes at once.
  if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then exit 0; fi
  sleep 0.2
done
echo "nothing listens on $host:$port" >&2
exit 1
