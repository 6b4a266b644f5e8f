#!/bin/bash
# The superset service's start: Superset's metadata schema, the admin user (password from docker/.env, set again at
# every start), then Rhythmic's serving assets imported from a bundle that serving/superset/build-bundle.sh builds
# with the read-only role's password from the environment; then the web server. Any failure stops the container
# with the step named, rather than a Superset without its dashboards.
set -Eeuo pipefail
trap 'echo "superset start: FAILED at: $BASH_COMMAND" >&2' ERR

superset db upgrade
superset init
# create-admin does nothing to an existing admin (and fails on nothing worse than that); reset-password then sets the
# password of .env, and fails if the admin does not exist, so a real failure of create-admin is not hidden.
superset fab create-admin --username admin --firstname Rhythmic --lastname Admin --email admin@localhost \
  --password "$SUPERSET_ADMIN_PASSWORD" || echo "superset start: create-admin failed (an existing admin?); resetting its password"
superset fab reset-password --username admin --password "$SUPERSET_ADMIN_PASSWORD"

# The bundle holds rhythmic_reader's password (build-bundle.sh writes it mode 0600): it lives only for the import.
bundle=/tmp/rhythmic-superset.zip
rm -f "$bundle"
trap 'rm -f "$bundle"' EXIT
bash /opt/rhythmic/superset/build-bundle.sh "$bundle"
[ -s "$bundle" ] || { echo "superset start: serving/superset/build-bundle.sh made no bundle at $bundle" >&2; exit 1; }
superset import-dashboards --path "$bundle" --username admin
rm -f "$bundle"
echo "superset start: Rhythmic's dashboards imported (serving/superset/assets, connection as rhythmic_reader)"

exec /usr/bin/run-server.sh
