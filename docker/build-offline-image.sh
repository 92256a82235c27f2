#!/bin/sh
# Build the project image with no image registry at all: the base image from Debian's
# packages (build-base-image.sh, cached), the Python dependencies as wheels built by the
# host's pip, then `docker build` installing offline from those wheels.
#
# usage: docker/build-offline-image.sh [tag]         (default tugraph-bolt:latest)
# env:   PYTHON      host CPython 3.11 with pip (default .venv/bin/python, else python3)
#        BASE_IMAGE  (default tugraph-bolt-base:local)
set -eu
cd "$(dirname "$0")/.."

TAG=${1:-tugraph-bolt:latest}
BASE_IMAGE=${BASE_IMAGE:-tugraph-bolt-base:local}
PYTHON=${PYTHON:-.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3
WHEELHOUSE=build/docker-wheelhouse   # inside the build context; .dockerignore lets it in

# Debian bookworm's python3 is 3.11: binary wheels must be built for cp311.
"$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || {
    echo "$PYTHON is not CPython 3.11; set PYTHON to one (the image runs 3.11)" >&2
    exit 2
}

docker/build-base-image.sh "$BASE_IMAGE"

echo "wheelhouse $WHEELHOUSE: the dependencies and the build backend"
mkdir -p "$WHEELHOUSE"
"$PYTHON" -c 'import tomllib
meta = tomllib.load(open("pyproject.toml", "rb"))
print("\n".join(meta["project"]["dependencies"] + meta["build-system"]["requires"]))' \
    > build/docker-requirements.txt
"$PYTHON" -m pip wheel --quiet --prefer-binary -w "$WHEELHOUSE" -r build/docker-requirements.txt

echo "docker build $TAG from $BASE_IMAGE (pip installs offline from the wheelhouse)"
docker build --pull=false -t "$TAG" \
    --build-arg BASE="$BASE_IMAGE" --build-arg WHEELHOUSE="$WHEELHOUSE" .
echo "built $TAG"
