#!/usr/bin/env bash
# Puts the Compose Specification's JSON schema (draft-07, the one `docker compose config` validates against) into
# .local/compose-spec/compose-spec.json, from the npm package dclint@3.1.0, which ships it as
# schemas/compose.schema.json. setup.sh runs it; tests/Rhythmic.Deployment.Tests read the file (tests reach no network). The file's
# SHA-256 is pinned: another schema is refused rather than used unseen.
set -Eeuo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
PACKAGE=dclint@3.1.0
SHA256=46b7d35f19dd93a05f8fea530291bf84d881c1791ec167ecf0e6fb94e639d496
OUT=$ROOT/.local/compose-spec/compose-spec.json
if [ -f "$OUT" ] && [ "$(sha256sum "$OUT" | cut -d' ' -f1)" = "$SHA256" ]; then echo "cached in ${OUT#$ROOT/}"; exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
( cd "$work" && npm pack --silent "$PACKAGE" >/dev/null && tar xzf ./*.tgz package/schemas/compose.schema.json )
got=$(sha256sum "$work/package/schemas/compose.schema.json" | cut -d' ' -f1)
[ "$got" = "$SHA256" ] || { echo "$PACKAGE's compose schema has SHA-256 $got, not the pinned $SHA256" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"
cp "$work/package/schemas/compose.schema.json" "$OUT.new" && mv -f "$OUT.new" "$OUT"
echo "fetched into ${OUT#$ROOT/}"
