#!/bin/sh
# The image's entry point: runs `rhythmic` with the container's command as its verb and options.
# RHYTHMIC_SEED_PER_CONTAINER=1 (the simulate service) gives each container its own Simulator:Seed from its host
# name (the container id), so `docker compose up --scale simulate=3` runs three different streams rather than three
# copies of one; a seed set explicitly (RHYTHMIC__SIMULATOR__SEED or --seed) wins.
set -eu
if [ "${RHYTHMIC_SEED_PER_CONTAINER:-0}" = 1 ] && [ -z "${RHYTHMIC__SIMULATOR__SEED:-}" ]; then
  RHYTHMIC__SIMULATOR__SEED=$(hostname | cksum | cut -d' ' -f1)
  export RHYTHMIC__SIMULATOR__SEED
fi
exec /app/rhythmic "$@"
