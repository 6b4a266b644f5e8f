#!/usr/bin/env bash
# Stops what startup.sh started, by its recorded pid: `rhythmic up` (which stops its embedded Kafka), then the
# project-local PostgreSQL (pg_ctl, by the postmaster.pid in its data directory).
set -Euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

# --docker [--purge]: the Docker Compose stack instead (docker/compose.sh); --purge also deletes its volumes.
case "${1:-}" in
  "") ;;
  --docker) shift; exec docker/compose.sh stop "$@" ;;
  *) echo "shutdown.sh: unknown argument '$1' (usage: ./shutdown.sh [--docker [--purge]])" >&2; exit 2 ;;
esac
RUN=$PWD/.local/run

if [ -f "$RUN/rhythmic.pid" ]; then
  pid=$(cat "$RUN/rhythmic.pid")
  if kill -0 "$pid" 2>/dev/null; then
    echo "==> stopping rhythmic up (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then echo "    still running after 30 s: killing it"; kill -KILL "$pid"; fi
  fi
  rm -f "$RUN/rhythmic.pid" "$RUN/kafka.bootstrap"
else
  echo "==> rhythmic up is not running (no $RUN/rhythmic.pid)"
fi

echo "==> PostgreSQL"
./rhythmic infra pg stop
