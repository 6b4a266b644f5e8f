#!/usr/bin/env bash
# Installs what Rhythmic needs on Debian 12 and builds it. Idempotent: run it again at any time;
# finished steps are skipped. On failure it names the step that failed.
set -Eeuo pipefail
cd "$(dirname "$(readlink -f "$0")")"
ROOT=$PWD

# Arguments. None: this machine (what CI runs). --docker: the Docker Compose stack instead (docker/compose.sh):
# docker/.env with random passwords, then the images; --kafka3 chooses three brokers, --no-superset leaves Superset out.
DOCKER=no; DOCKER_ARGS=()
for arg in "$@"; do
  case $arg in
    --docker) DOCKER=yes ;;
    --kafka1|--kafka3|--superset|--no-superset) DOCKER_ARGS+=("$arg") ;;
    *) echo "setup.sh: unknown argument '$arg' (usage: ./setup.sh [--docker [--kafka1|--kafka3] [--superset|--no-superset]])" >&2; exit 2 ;;
  esac
done
if [ "$DOCKER" = no ] && [ ${#DOCKER_ARGS[@]} -gt 0 ]; then echo "setup.sh: ${DOCKER_ARGS[*]} goes with --docker" >&2; exit 2; fi
if [ "$DOCKER" = yes ]; then exec docker/compose.sh setup "${DOCKER_ARGS[@]}"; fi

LIBRDKAFKA_VERSION=2.15.1   # tools/librdkafka/build.sh builds it from the npm package's source (the image's build too)
LIBRDKAFKA_DIR=$ROOT/.local/librdkafka/$LIBRDKAFKA_VERSION
# Our patch of the mock cluster (run-time per-partition retention, see the file's header); a changed patch rebuilds.
LIBRDKAFKA_PATCH=$ROOT/core/Rhythmic.Core/Kafka/librdkafka-mock-retention.patch
DEBIAN_PACKAGES=(postgresql libssl-dev zlib1g-dev build-essential pkg-config nodejs npm curl ca-certificates chromium)  # chromium: the dashboard's browser tests

STEP="start"
DONE=()
step() { STEP=$1; printf '\n==> %s\n' "$1"; }
did() { DONE+=("$1"); echo "    $1"; }
trap 'rc=$?; echo; echo "setup.sh: FAILED at step \"$STEP\" (exit $rc, line $LINENO). The output above says why." >&2' ERR
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo

step "Debian packages"
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  if [ "$p" = nodejs ] || [ "$p" = npm ]; then command -v "${p/nodejs/node}" >/dev/null 2>&1 && continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  did "installed: ${missing[*]}"
else
  did "all present: ${DEBIAN_PACKAGES[*]}"
fi
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "PostgreSQL server binaries (initdb) not found after installing postgresql" >&2; false; }
id postgres >/dev/null 2>&1 || { echo "the postgres user is missing (the postgresql package creates it)" >&2; false; }

step ".NET SDK"
if ! command -v dotnet >/dev/null 2>&1 || ! dotnet --list-sdks | grep -q '^10\.'; then
  echo ".NET SDK 10 is required and is not installed (it is not in Debian's archive): install dotnet-sdk-10.0 and run ./setup.sh again." >&2
  false
fi
did "dotnet $(dotnet --version)"

step "librdkafka $LIBRDKAFKA_VERSION (built from source, with ${LIBRDKAFKA_PATCH#$ROOT/})"
# The same script builds the image's library (docker/Dockerfile); it keeps a build of the same version and patch.
built=$(tools/librdkafka/build.sh "$LIBRDKAFKA_DIR")
did "$built"

step "DuckDB (npm, the reference reader for tests and benchmarks)"
if [ -d tools/duckdb/node_modules/@duckdb/node-api ] && echo "select 1" | node tools/duckdb/query.mjs - >/dev/null 2>&1; then
  did "present in tools/duckdb/node_modules"
else
  # npm install (not ci): the lock file pins the version; platform bindings are optional dependencies it resolves here.
  npm install --prefix tools/duckdb --no-audit --no-fund --loglevel=error >/dev/null
  did "installed into tools/duckdb/node_modules"
fi
echo "select 42" | node tools/duckdb/query.mjs - | grep -q '42' || { echo "DuckDB does not answer" >&2; false; }

step "Dashboard libraries (npm: echarts, us-atlas, topojson-client; served by the host under /vendor/)"
if npm ls --prefix serving/web --silent >/dev/null 2>&1 && [ -f serving/web/node_modules/echarts/dist/echarts.min.js ]; then
  did "present in serving/web/node_modules"
else
  # npm ci: exactly the versions of the committed lock file, nothing fetched when the page runs.
  npm ci --prefix serving/web --no-audit --no-fund --loglevel=error >/dev/null
  did "installed into serving/web/node_modules"
fi

step "Compose schema (npm dclint, what the deployment tests validate docker/docker-compose.yml against)"
schema=$(tools/compose-spec/fetch.sh)
did "$schema"

step "Build (dotnet build -c Release)"
dotnet build Rhythmic.sln -c Release -nologo -clp:ErrorsOnly
did "built Rhythmic.sln (Release)"
[ -f cli/Rhythmic.Cli/bin/Release/net10.0/runtimes/linux-x64/native/librdkafka.so ] || { echo "librdkafka was not copied next to the program" >&2; false; }

echo
echo "Setup complete:"
for d in "${DONE[@]}"; do echo "  - $d"; done
echo
echo "Next: ./startup.sh   (runs the platform), and the tests: dotnet test Rhythmic.sln -c Release"
