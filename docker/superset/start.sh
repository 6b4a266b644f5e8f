#!/bin/bash
# The superset service's start: Superset's metadata schema, the admin user (password from docker/.env, set again at
# every start), then Rhythmic's serving assets imported from a bundle that serving/superset/build-bundle.sh builds
# with the read-only role's password from the environment; then the web server. Any failure stops the container
# with the step named, rather than a Superset without its dashboards.
set -Eeuo pipefail
trap 'echo "superset start: FAILED at: $BASH_COMMAND" >&2' ERR

superset db upgrade
superset init
if superset fab list-users 2>/dev/null | grep -q 'username:admin '; then
  superset fab reset-password --username admin --password "$SUPERSET_ADMIN_PASSWORD"
else
  superset fab create-admin --username admin --firstname Rhythmic --lastname Admin --email admin@localhost \
    --password "$SUPERSET_ADMIN_PASSWORD"
fi

bundle=/tmp/rhythmic-superset.zip
rm -f "$bundle"
bash /opt/rhythmic/superset/build-bundle.sh "$bundle"
[ -s "$bundle" ] || { echo "superset start: serving/superset/build-bundle.sh made no bundle at $bundle" >&2; exit 1; }
superset import-dashboards --path "$bundle" --username admin
echo "superset start: Rhythmic's dashboards imported from $bundle"

exec /usr/bin/run-server.sh
