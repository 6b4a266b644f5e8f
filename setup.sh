#!/usr/bin/env bash
# Installs what Rhythmic needs on Debian 12 and builds it. Idempotent: run it again at any time;
# finished steps are skipped. On failure it names the step that failed.
set -Eeuo pipefail
cd "$(dirname "$(readlink -f "$0")")"
ROOT=$PWD

LIBRDKAFKA_VERSION=2.15.1
KAFKA_JS_PACKAGE=@confluentinc/kafka-javascript@1.10.1   # ships the exact librdkafka 2.15.1 source in deps/librdkafka
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

step "librdkafka $LIBRDKAFKA_VERSION (built from source, with the mock retention patch)"
patch_sha=$(sha256sum "$LIBRDKAFKA_PATCH" | cut -d' ' -f1)
if [ -f "$LIBRDKAFKA_DIR/librdkafka.so" ] && [ "$(cat "$LIBRDKAFKA_DIR/VERSION" 2>/dev/null)" = "$LIBRDKAFKA_VERSION" ] \
   && [ "$(cat "$LIBRDKAFKA_DIR/PATCH.sha256" 2>/dev/null)" = "$patch_sha" ]; then
  did "cached in ${LIBRDKAFKA_DIR#$ROOT/} (patch ${patch_sha:0:12})"
else
  work=$(mktemp -d)
  ( cd "$work"
    npm pack --silent "$KAFKA_JS_PACKAGE" >/dev/null
    tar xzf ./*.tgz
    cd package/deps/librdkafka
    grep -q "define RD_KAFKA_VERSION 0x020f01" src/rdkafka.h || { echo "the npm package does not hold librdkafka $LIBRDKAFKA_VERSION" >&2; exit 1; }
    patch -p1 --forward --batch < "$LIBRDKAFKA_PATCH" > "$work/patch.log" 2>&1 \
      || { cat "$work/patch.log" >&2; echo "${LIBRDKAFKA_PATCH#$ROOT/} does not apply to librdkafka $LIBRDKAFKA_VERSION" >&2; exit 1; }
    ./configure --disable-curl --disable-gssapi > "$work/configure.log" 2>&1 || { tail -20 "$work/configure.log" >&2; exit 1; }
    make -j"$(nproc)" libs > "$work/make.log" 2>&1 || { tail -30 "$work/make.log" >&2; exit 1; }
  )
  mkdir -p "$LIBRDKAFKA_DIR"
  # Copy, then rename over the old file: a running program keeps the library it mapped intact.
  cp "$work/package/deps/librdkafka/src/librdkafka.so.1" "$LIBRDKAFKA_DIR/librdkafka.so.new"
  mv -f "$LIBRDKAFKA_DIR/librdkafka.so.new" "$LIBRDKAFKA_DIR/librdkafka.so"
  echo "$LIBRDKAFKA_VERSION" > "$LIBRDKAFKA_DIR/VERSION"
  echo "$patch_sha" > "$LIBRDKAFKA_DIR/PATCH.sha256"
  rm -rf "$work"
  did "built into ${LIBRDKAFKA_DIR#$ROOT/}"
fi

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

step "Build (dotnet build -c Release)"
dotnet build Rhythmic.sln -c Release -nologo -clp:ErrorsOnly
did "built Rhythmic.sln (Release)"
[ -f cli/Rhythmic.Cli/bin/Release/net10.0/runtimes/linux-x64/native/librdkafka.so ] || { echo "librdkafka was not copied next to the program" >&2; false; }

echo
echo "Setup complete:"
for d in "${DONE[@]}"; do echo "  - $d"; done
echo
echo "Next: ./startup.sh   (runs the platform), and the tests: dotnet test Rhythmic.sln -c Release"
