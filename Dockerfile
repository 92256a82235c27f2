# tugraph-bolt node image. `docker compose up -d` builds it from python:3.11-slim and runs
# the three-node cluster of docker-compose.yml.
#
# Build arguments:
#   BASE        the base image: any Debian-like image with python3 (3.11+) and its venv module.
#               The tests use tugraph-bolt-base:local, made by docker/build-base-image.sh
#               without any image registry.
#   WHEELHOUSE  a folder inside the build context holding wheels for the dependencies and
#               the build backend (setuptools, wheel). When set, pip installs offline from it
#               (nothing is downloaded during the build); when empty, pip uses its index.
ARG BASE=python:3.11-slim
FROM ${BASE}

ARG WHEELHOUSE=

LABEL org.opencontainers.image.title="tugraph-bolt" \
      org.opencontainers.image.description="tugraph-bolt node: Bolt + Cypher, replicated by Raft"

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/tugraph-bolt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# The context is an allow-list (.dockerignore): the package, its metadata, the entrypoint,
# the health probe and, for offline builds, the wheelhouse. Dependencies go first, in their own layer, so a
# code change rebuilds only the last step.
COPY pyproject.toml README.md /src/
COPY ${WHEELHOUSE:-pyproject.toml} /wheelhouse/
RUN set -eu; \
    if [ -n "$WHEELHOUSE" ]; then export PIP_NO_INDEX=1 PIP_FIND_LINKS=/wheelhouse; fi; \
    python3 -m venv /opt/tugraph-bolt; \
    python3 -c 'import tomllib; print("\n".join(tomllib.load(open("/src/pyproject.toml", "rb"))["project"]["dependencies"]))' \
        > /tmp/requirements.txt; \
    /opt/tugraph-bolt/bin/pip install --no-cache-dir -r /tmp/requirements.txt; \
    rm /tmp/requirements.txt

COPY . /src
RUN set -eu; \
    if [ -n "$WHEELHOUSE" ]; then export PIP_NO_INDEX=1 PIP_FIND_LINKS=/wheelhouse; fi; \
    /opt/tugraph-bolt/bin/pip install --no-cache-dir /src; \
    install -m 0755 /src/docker/entrypoint.sh /usr/local/bin/tugraph-bolt-entrypoint; \
    { echo '#!/opt/tugraph-bolt/bin/python'; cat /src/docker/healthcheck.py; } \
        > /usr/local/bin/tugraph-bolt-healthcheck; \
    chmod 0755 /usr/local/bin/tugraph-bolt-healthcheck; \
    rm -rf /src /wheelhouse; \
    useradd --system --user-group --home-dir /var/lib/tugraph-bolt --shell /usr/sbin/nologin tugraph; \
    mkdir -p /var/lib/tugraph-bolt /etc/tugraph-bolt; \
    chown tugraph:tugraph /var/lib/tugraph-bolt; \
    tugraph-bolt --help >/dev/null

# A named volume mounted here starts with this ownership, so the node can write its data.
VOLUME ["/var/lib/tugraph-bolt"]
WORKDIR /var/lib/tugraph-bolt
USER tugraph

# Bolt, HTTP, Raft (the Raft port is for the cluster network only; never publish it).
EXPOSE 7687 7070 8000

# /healthz on the config's HTTP port, or a Bolt handshake when HTTP is off (docker/healthcheck.py)
HEALTHCHECK --interval=5s --timeout=5s --start-period=30s --retries=3 \
    CMD ["tugraph-bolt-healthcheck"]

# The node stops cleanly on SIGTERM (it closes listeners and flushes the Raft journal).
STOPSIGNAL SIGTERM
ENTRYPOINT ["tugraph-bolt-entrypoint"]
CMD ["serve", "-c", "/etc/tugraph-bolt/node.json"]
