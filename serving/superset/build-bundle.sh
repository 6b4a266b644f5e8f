#!/usr/bin/env bash
# Builds Superset's import bundle from assets/: a zip whose single top folder (rhythmic_superset/) holds metadata.yaml,
# databases/, datasets/, charts/ and dashboards/, as `superset import-dashboards -p` and the import dialog expect.
#
#   serving/superset/build-bundle.sh [OUT.zip]          (default: rhythmic-superset.zip in the current directory)
#
# Environment (all optional):
#   RHYTHMIC_READER_PASSWORD    the password of the read-only role rhythmic_reader. When set, it is written into the
#                               bundle's databases/Rhythmic.yaml (`password:`, beside the masked URI), which
#                               `superset import-dashboards` needs (it takes no password). The zip is then a secret:
#                               written mode 0600; delete it after the import. When unset, the bundle carries no
#                               password and Superset's import dialog asks for it.
#   RHYTHMIC_SUPERSET_PG_HOST   where Superset reaches the platform's PostgreSQL (default 127.0.0.1)
#   RHYTHMIC_SUPERSET_PG_PORT   its port (default 55432, the embedded cluster's)
#   RHYTHMIC_SUPERSET_PG_DATABASE  its database (default rhythmic)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-rhythmic-superset.zip}
case $out in /*) ;; *) out="$PWD/$out" ;; esac
host=${RHYTHMIC_SUPERSET_PG_HOST:-127.0.0.1}
port=${RHYTHMIC_SUPERSET_PG_PORT:-55432}
database=${RHYTHMIC_SUPERSET_PG_DATABASE:-rhythmic}
[[ $port =~ ^[0-9]+$ ]] || { echo "RHYTHMIC_SUPERSET_PG_PORT must be a number (got '$port')" >&2; exit 2; }
[[ $host =~ ^[A-Za-z0-9._:-]+$ ]] || { echo "RHYTHMIC_SUPERSET_PG_HOST must be a host name or address (got '$host')" >&2; exit 2; }
[[ $database =~ ^[A-Za-z0-9_-]+$ ]] || { echo "RHYTHMIC_SUPERSET_PG_DATABASE must be a plain database name (got '$database')" >&2; exit 2; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
top=rhythmic_superset
cp -R "$here/assets" "$stage/$top"
dbfile="$stage/$top/databases/Rhythmic.yaml"
sed -i "s|@127.0.0.1:55432/rhythmic\$|@$host:$port/$database|" "$dbfile"
grep -q "@$host:$port/$database\$" "$dbfile" || { echo "could not set the connection in $dbfile" >&2; exit 1; }

if [[ -n ${RHYTHMIC_READER_PASSWORD:-} ]]; then
  umask 077
  quoted=${RHYTHMIC_READER_PASSWORD//\'/\'\'}   # a YAML single-quoted scalar doubles its quotes
  printf "password: '%s'\n" "$quoted" >> "$dbfile"
fi

rm -f "$out"
if command -v zip > /dev/null; then
  (cd "$stage" && zip -qrX "$out" "$top")
elif command -v python3 > /dev/null; then
  (cd "$stage" && python3 -m zipfile -c "$out" "$top")
else
  echo "neither zip nor python3 is installed: install one (apt-get install zip)" >&2
  exit 1
fi
if [[ -n ${RHYTHMIC_READER_PASSWORD:-} ]]; then
  echo "wrote $out (with rhythmic_reader's password: keep it private, delete it after the import)"
else
  echo "wrote $out (no password: Superset's import dialog asks for rhythmic_reader's)"
fi
