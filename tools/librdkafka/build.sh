#!/usr/bin/env bash
# Builds librdkafka 2.15.1 from the source inside the npm package @confluentinc/kafka-javascript@1.10.1, with our
# patch of the mock cluster's retention (core/Rhythmic.Core/Kafka/librdkafka-mock-retention.patch), into DIR:
#   DIR/librdkafka.so, DIR/VERSION, DIR/PATCH.sha256
# A build in DIR of the same version and patch is kept (a changed patch rebuilds). setup.sh and docker/Dockerfile
# both run this script, so the developer's library and the image's are built the same way.
# Usage: tools/librdkafka/build.sh [DIR]   (default: .local/librdkafka/2.15.1 under the repository)
# Prints one line on standard output saying what it did; build logs are shown only on failure.
set -Eeuo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)

LIBRDKAFKA_VERSION=2.15.1
LIBRDKAFKA_HEX=0x020f01                                   # RD_KAFKA_VERSION of 2.15.1 in src/rdkafka.h
KAFKA_JS_PACKAGE=@confluentinc/kafka-javascript@1.10.1   # ships the exact librdkafka 2.15.1 source in deps/librdkafka
# Where npm is absent (the image's build stage), the same tarball is fetched from the npm registry and checked
# against the integrity npm records for it (npm view @confluentinc/kafka-javascript@1.10.1 dist.integrity).
KAFKA_JS_TARBALL=https://registry.npmjs.org/@confluentinc/kafka-javascript/-/kafka-javascript-1.10.1.tgz
KAFKA_JS_SHA512=KVePUBn21EqCVP9mfxzEuM3SYJHHEF7X+iiC2e43QQgDSyEaksInmCGooT3w5q+cNAdkSCrK71j0ICfqoSqZLw==
LIBRDKAFKA_PATCH=$ROOT/core/Rhythmic.Core/Kafka/librdkafka-mock-retention.patch
LIBRDKAFKA_DIR=${1:-$ROOT/.local/librdkafka/$LIBRDKAFKA_VERSION}
shown=${LIBRDKAFKA_DIR#$ROOT/}

patch_sha=$(sha256sum "$LIBRDKAFKA_PATCH" | cut -d' ' -f1)
if [ -f "$LIBRDKAFKA_DIR/librdkafka.so" ] && [ "$(cat "$LIBRDKAFKA_DIR/VERSION" 2>/dev/null)" = "$LIBRDKAFKA_VERSION" ] \
   && [ "$(cat "$LIBRDKAFKA_DIR/PATCH.sha256" 2>/dev/null)" = "$patch_sha" ]; then
  echo "cached in $shown (patch ${patch_sha:0:12})"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
( cd "$work"
  if command -v npm >/dev/null 2>&1; then
    npm pack --silent "$KAFKA_JS_PACKAGE" >/dev/null
  else
    curl -fsSL --retry 3 -o package.tgz "$KAFKA_JS_TARBALL"
    [ "$(openssl dgst -sha512 -binary package.tgz | base64 -w0)" = "$KAFKA_JS_SHA512" ] \
      || { echo "$KAFKA_JS_TARBALL does not have the integrity npm records for $KAFKA_JS_PACKAGE" >&2; exit 1; }
  fi
  tar xzf ./*.tgz
  cd package/deps/librdkafka
  grep -q "define RD_KAFKA_VERSION $LIBRDKAFKA_HEX" src/rdkafka.h || { echo "the npm package does not hold librdkafka $LIBRDKAFKA_VERSION" >&2; exit 1; }
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
echo "built into $shown"
