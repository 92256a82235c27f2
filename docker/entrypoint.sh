#!/bin/sh
# Container entry point.
#   serve [--key value ...]   run a node (the image's default command)
#   anything else             is passed to `tugraph-bolt` (e.g. `cluster status`, `shell`)
# TUGRAPH_CLUSTER_SECRET, when set, becomes `--cluster_secret` for `serve`, so the secret that
# encrypts Raft traffic lives in the environment (or an .env file), not in the JSON configs.
set -eu
if [ "${1:-}" = serve ] && [ -n "${TUGRAPH_CLUSTER_SECRET:-}" ]; then
    shift
    set -- serve "$@" --cluster_secret "$TUGRAPH_CLUSTER_SECRET"
fi
# exec: the node itself receives SIGTERM from `docker stop` (through tini with `init: true`).
exec tugraph-bolt "$@"
