#!/bin/sh
# Container entrypoint. The web service (PORTAL_SETUP=1) migrates and sets up the portal before it
# starts serving; worker and scheduler start once web is healthy, so they never see an old schema.
set -eu
if [ "${PORTAL_SETUP:-0}" = "1" ]; then
  scripts/release setup
fi
exec "$@"
