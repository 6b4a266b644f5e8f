#!/usr/bin/env bash
# The Docker side of setup.sh, startup.sh and shutdown.sh (their --docker branches call this):
#   docker/compose.sh env   [--kafka1|--kafka3] [--superset|--no-superset]   write or complete docker/.env
#   docker/compose.sh setup [same options]    docker/.env, then pull and build the images
#   docker/compose.sh start                   start the stack, wait for the dashboard, print the URLs
#   docker/compose.sh stop  [--purge]         stop it; --purge also deletes its volumes (Kafka, database, lake)
# Compose is used when a Docker engine answers (`docker info`) and Compose v2 is there (`docker compose` or
# docker-compose 2.x); otherwise one line says what is missing and the exit status is 1.
set -Eeuo pipefail
DOCKER_DIR=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
ROOT=$(dirname "$DOCKER_DIR")
ENV_FILE=$DOCKER_DIR/.env
COMPOSE_FILE=$DOCKER_DIR/docker-compose.yml
ALL_PROFILES=kafka1,kafka3,superset
# Generated once, kept afterwards; compose refuses to start without any of them (${VAR:?...} in the compose file).
SECRETS=(POSTGRES_SUPERUSER_PASSWORD RHYTHMIC_PG_PASSWORD RHYTHMIC_READER_PASSWORD RHYTHMIC_ADMIN_TOKEN
         SUPERSET_DB_PASSWORD SUPERSET_SECRET_KEY SUPERSET_ADMIN_PASSWORD)
BOOTSTRAP_1=kafka:9092
BOOTSTRAP_3=kafka-1:9092,kafka-2:9092,kafka-3:9092

say() { echo "$@" >&2; }
# 48 hex digits from the kernel's generator: no character that a connection string or a URL would need to quote.
random_secret() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
# A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (22 characters).
random_cluster_id() { head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
env_value() { [ -f "$ENV_FILE" ] && sed -n "s/^$1=//p" "$ENV_FILE" | tail -1 || true; }

# Writes docker/.env (mode 0600), keeping every value it already holds unless an option changes it.
write_env() {
  local kafka="" superset=""
  for a in "$@"; do
    case $a in
      --kafka1) kafka=1 ;; --kafka3) kafka=3 ;;
      --superset) superset=yes ;; --no-superset) superset=no ;;
      *) say "docker/compose.sh: unknown option $a"; return 2 ;;
    esac
  done
  local profiles bootstrap
  profiles=$(env_value COMPOSE_PROFILES); bootstrap=$(env_value RHYTHMIC_KAFKA_BOOTSTRAP)
  if [ -z "$kafka" ]; then case ,$profiles, in *,kafka3,*) kafka=3 ;; *) kafka=1 ;; esac; fi
  if [ -z "$superset" ]; then
    if [ -z "$profiles" ]; then superset=yes; else case ,$profiles, in *,superset,*) superset=yes ;; *) superset=no ;; esac; fi
  fi
  profiles=kafka$kafka; [ "$superset" = yes ] && profiles+=,superset
  local want_bootstrap=$BOOTSTRAP_1; [ "$kafka" = 3 ] && want_bootstrap=$BOOTSTRAP_3
  if [ -n "$bootstrap" ] && [ "$bootstrap" != "$want_bootstrap" ]; then
    say "docker/.env: Kafka changes to $kafka broker(s): the platform's offsets (in PostgreSQL) belong to the old cluster; see docs/operations.md, \"Replaying from Kafka\"."
  fi
  local tmp
  tmp=$(umask 077 && mktemp "$DOCKER_DIR/.env.XXXXXX")
  {
    echo "# Written by ./setup.sh --docker: the Compose stack's settings and secrets. Mode 0600, git-ignored: never commit it."
    echo "# A value kept here is kept by the next ./setup.sh --docker; delete a secret's line to have a new one generated"
    echo "# (PostgreSQL's superuser password is set only when its volume is created; the others at every start)."
    echo "COMPOSE_PROJECT_NAME=rhythmic"
    echo "COMPOSE_PROFILES=$profiles"
    echo "RHYTHMIC_KAFKA_BOOTSTRAP=$want_bootstrap"
    echo "RHYTHMIC_BIND=$(v=$(env_value RHYTHMIC_BIND); echo "${v:-127.0.0.1}")"
    echo "RHYTHMIC_DASHBOARD_PORT=$(v=$(env_value RHYTHMIC_DASHBOARD_PORT); echo "${v:-8480}")"
    echo "RHYTHMIC_SUPERSET_PORT=$(v=$(env_value RHYTHMIC_SUPERSET_PORT); echo "${v:-8088}")"
    echo "KAFKA_CLUSTER_ID=$(v=$(env_value KAFKA_CLUSTER_ID); echo "${v:-$(random_cluster_id)}")"
    for s in "${SECRETS[@]}"; do echo "$s=$(v=$(env_value "$s"); echo "${v:-$(random_secret)}")"; done
    # Anything else the operator added (e.g. RHYTHMIC_SIMULATE_USERS=100000) is kept as it was.
    if [ -f "$ENV_FILE" ]; then
      grep -vE "^(#|$|COMPOSE_PROJECT_NAME=|COMPOSE_PROFILES=|RHYTHMIC_KAFKA_BOOTSTRAP=|RHYTHMIC_BIND=|RHYTHMIC_DASHBOARD_PORT=|RHYTHMIC_SUPERSET_PORT=|KAFKA_CLUSTER_ID=|$(IFS='|'; echo "${SECRETS[*]}")=)" "$ENV_FILE" || true
    fi
  } > "$tmp"
  chmod 600 "$tmp"
  mv -f "$tmp" "$ENV_FILE"
  echo "docker/.env: profiles $profiles, Kafka $want_bootstrap (mode 0600, git-ignored)"
}

# Sets COMPOSE to the Compose command, or says in one line why there is none and fails.
find_compose() {
  local who=$1
  if ! command -v docker >/dev/null 2>&1; then
    say "$who --docker: no docker command here; install Docker Engine with its Compose plugin (or run $who without --docker)."; return 1
  fi
  if ! docker info >/dev/null 2>&1; then
    say "$who --docker: no Docker engine answers here (docker info failed); start one, or run $who without --docker."; return 1
  fi
  if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1 && docker-compose version --short 2>/dev/null | grep -q '^v\?2\.'; then COMPOSE=(docker-compose)
  else
    say "$who --docker: a Docker engine answers but Compose v2 is missing (the docker compose plugin, or docker-compose 2.x)."; return 1
  fi
  COMPOSE+=(--project-directory "$DOCKER_DIR" -f "$COMPOSE_FILE")
  # An operator's changes (another PostgreSQL, more memory, a registry's images) go in docker-compose.override.yml.
  [ -f "$DOCKER_DIR/docker-compose.override.yml" ] && COMPOSE+=(-f "$DOCKER_DIR/docker-compose.override.yml")
  COMPOSE+=(--env-file "$ENV_FILE")
}

need_env() {
  [ -f "$ENV_FILE" ] || { say "$1 --docker: docker/.env is missing; run ./setup.sh --docker first."; return 1; }
}

cmd_setup() {
  write_env "$@"
  find_compose ./setup.sh
  "${COMPOSE[@]}" pull --ignore-buildable
  "${COMPOSE[@]}" build
  echo "Images built. Next: ./startup.sh --docker"
}

cmd_start() {
  need_env ./startup.sh
  find_compose ./startup.sh
  "${COMPOSE[@]}" up -d --remove-orphans
  local bind port url
  bind=$(env_value RHYTHMIC_BIND); port=$(env_value RHYTHMIC_DASHBOARD_PORT)
  [ "$bind" = 0.0.0.0 ] && bind=127.0.0.1
  url="http://${bind:-127.0.0.1}:${port:-8480}"
  local deadline=$((SECONDS + 300))
  until curl -fsS -m 2 "$url/health" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      say "startup.sh --docker: the dashboard did not answer $url/health within 300 s. The stack:"
      "${COMPOSE[@]}" ps -a >&2
      "${COMPOSE[@]}" logs --tail 30 migrate serve >&2 || true
      return 1
    fi
    sleep 2
  done
  local superset=""
  case ,$(env_value COMPOSE_PROFILES), in *,superset,*) superset="http://${bind:-127.0.0.1}:$(env_value RHYTHMIC_SUPERSET_PORT)/ (user admin, password SUPERSET_ADMIN_PASSWORD in docker/.env)" ;; esac
  cat <<INFO

Rhythmic is up in Docker Compose (project rhythmic).
  Dashboard and API : $url/
  Hangfire          : $url/hangfire (first $url/hangfire-login with RHYTHMIC_ADMIN_TOKEN from docker/.env: through
                      the published port a request is not a loopback one, which alone sees the read-only view)
  Superset          : ${superset:-not started (profile superset is off in docker/.env)}
  State and logs    : cd docker && docker compose ps; docker compose logs -f speed land
Scale a layer: cd docker && docker compose up -d --scale speed=3 --scale land=2 (docs/operations.md).
Stop with ./shutdown.sh --docker.
INFO
}

cmd_stop() {
  local purge=no
  for a in "$@"; do case $a in --purge) purge=yes ;; *) say "./shutdown.sh --docker: unknown option $a"; return 2 ;; esac; done
  need_env ./shutdown.sh
  find_compose ./shutdown.sh
  # Every profile, so no container of an earlier choice (one or three brokers, Superset) is left running.
  if [ "$purge" = yes ]; then
    COMPOSE_PROFILES=$ALL_PROFILES "${COMPOSE[@]}" down --remove-orphans --volumes
    echo "Stopped, and deleted the volumes: Kafka's log, the database, the lake, Superset's home."
  else
    COMPOSE_PROFILES=$ALL_PROFILES "${COMPOSE[@]}" down --remove-orphans
    echo "Stopped; the volumes (Kafka, database, lake) are kept. --purge deletes them."
  fi
}

command=${1:-}
shift || true
case $command in
  env) write_env "$@" ;;
  setup) cmd_setup "$@" ;;
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  *) say "usage: docker/compose.sh env|setup|start|stop [options]"; exit 2 ;;
esac
