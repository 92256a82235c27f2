#!/bin/sh
# Build a local base image (Debian bookworm + python3 + python3-venv) WITHOUT any image
# registry: debootstrap fetches Debian's packages from a Debian mirror, `docker import`
# turns the folder into an image. The Dockerfile then builds FROM it with
#   --build-arg BASE=tugraph-bolt-base:local
# Bookworm's python3 is 3.11, the same as the project's, so wheels built on a 3.11 host fit.
#
# usage: docker/build-base-image.sh [image-tag]      (root, or sudo, for debootstrap)
# env:   DEBIAN_MIRROR (default http://deb.debian.org/debian), FORCE=1 to rebuild
set -eu
PATH="$PATH:/usr/sbin:/sbin"  # debootstrap lives in sbin

IMAGE=${1:-tugraph-bolt-base:local}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm

if [ "${FORCE:-0}" != 1 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
    echo "base image $IMAGE already exists (FORCE=1 rebuilds it)"
    exit 0
fi
command -v debootstrap >/dev/null 2>&1 || {
    echo "debootstrap is not installed (Debian/Ubuntu: apt-get install -y debootstrap)" >&2
    exit 2
}

rootfs=$(mktemp -d "${TMPDIR:-/tmp}/tugraph-bolt-rootfs.XXXXXX")
trap 'rm -rf "$rootfs"' EXIT INT TERM

echo "[1/3] debootstrap $SUITE from $MIRROR (minbase + python3, a few minutes the first time)"
# python3-venv brings ensurepip's bundled pip wheel, so venvs get pip with no download.
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    "$SUITE" "$rootfs" "$MIRROR"

echo "[2/3] trimming apt caches and docs"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/usr/share/doc/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*

echo "[3/3] docker import -> $IMAGE"
tar -C "$rootfs" --numeric-owner -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["python3"]' \
    - "$IMAGE"
echo "built $IMAGE"
