#!/usr/bin/env bash
# Starts the platform on this machine: PostgreSQL (the project-local cluster unless a connection string is
# configured), then `rhythmic up` in the background (embedded Kafka unless bootstrap servers are configured,
# every layer, the serving API). Waits until the health endpoint answers.
set -Eeuo pipefail
cd "$(dirname "$(readlink -f "$0")")"
ROOT=$PWD

# --docker: the Docker Compose stack instead (docker/compose.sh; ./setup.sh --docker first).
case "${1:-}" in
  "") ;;
  --docker) [ $# -eq 1 ] || { echo "startup.sh: usage: ./startup.sh [--docker]" >&2; exit 2; }; exec docker/compose.sh start ;;
  *) echo "startup.sh: unknown argument '$1' (usage: ./startup.sh [--docker])" >&2; exit 2 ;;
esac
RUN=$ROOT/.local/run
LOGS=$ROOT/.local/logs
mkdir -p "$RUN" "$LOGS"

if [ ! -f cli/Rhythmic.Cli/bin/Release/net10.0/rhythmic.dll ]; then
  echo "Rhythmic is not built: run ./setup.sh first." >&2
  exit 1
fi
if [ -f "$RUN/rhythmic.pid" ] && kill -0 "$(cat "$RUN/rhythmic.pid")" 2>/dev/null; then
  echo "Rhythmic is already running (pid $(cat "$RUN/rhythmic.pid")); ./shutdown.sh stops it."
  exit 0
fi

declare -A where
while IFS='=' read -r k v; do where[$k]=$v; done < <(./rhythmic infra show)

echo "==> PostgreSQL"
./rhythmic infra pg start

echo "==> rhythmic up"
RHYTHMIC__LOGGING__CONSOLE__FORMATTERNAME=json nohup ./rhythmic up >> "$LOGS/rhythmic.log" 2>&1 < /dev/null &
echo $! > "$RUN/rhythmic.pid"

health="${where[serving.url]}/health"
for _ in $(seq 1 240); do
  if ! kill -0 "$(cat "$RUN/rhythmic.pid")" 2>/dev/null; then
    echo "rhythmic up exited during start; the end of its log ($LOGS/rhythmic.log):" >&2
    tail -20 "$LOGS/rhythmic.log" >&2
    rm -f "$RUN/rhythmic.pid"
    exit 1
  fi
  if curl -fsS -m 2 "$health" >/dev/null 2>&1; then
    cat <<INFO

Rhythmic is up (pid $(cat "$RUN/rhythmic.pid")).
  Dashboard and API : ${where[serving.url]}/
  Health            : $health
  Metrics           : ${where[serving.url]}/metrics
  Jobs (Hangfire)   : ${where[serving.url]}/hangfire
  PostgreSQL        : ${where[postgres]}
  Kafka             : ${where[kafka]}$( [ -f "$RUN/kafka.bootstrap" ] && echo " at $(cat "$RUN/kafka.bootstrap")")
  Lake              : ${where[lake]}
  Log (JSON lines)  : $LOGS/rhythmic.log
From another terminal, ./rhythmic <verb> talks to this platform (try ./rhythmic --help). Stop it with ./shutdown.sh.
INFO
    exit 0
  fi
  sleep 0.5
done
echo "rhythmic up did not answer $health within 120 s; see $LOGS/rhythmic.log" >&2
exit 1
