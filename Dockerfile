# syntax=docker/dockerfile:1
# The kubedrift container image. Build from the repository root:
#   docker build -t kubedrift:dev --build-arg VERSION=$(git describe --tags) \
#     --build-arg REVISION=$(git rev-parse HEAD) .
# Stage 1 builds kubedrift and every dependency of kubedrift[all] as wheels; stage 2 installs
# those wheels, without an index, into a venv on the slim base. The Python steps live in
# deploy/docker/install.sh, which tests/deploy/test_image_install.py runs as they are here.
# Runs as UID/GID 10001 with a read-only root filesystem: the store (SQLite) lives on the
# volume /var/lib/kubedrift, temporary files in TMPDIR=/tmp (an emptyDir in Kubernetes).
# Operations: docs/operations.md.

ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY kubedrift ./kubedrift
COPY deploy/docker/install.sh ./deploy/docker/install.sh
RUN sh deploy/docker/install.sh wheels /src /wheels

FROM ${PYTHON_IMAGE}
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="kubedrift" \
      org.opencontainers.image.description="Multi-cloud Kubernetes version drift monitor (ACK, TKE, self-hosted)" \
      org.opencontainers.image.source="https://github.com/kubedrift/kubedrift" \
      org.opencontainers.image.documentation="https://github.com/kubedrift/kubedrift/tree/main/docs" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.vendor="kubedrift" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="docker.io/library/python:3.11-slim"

# The weekly report's PDF: Pango for weasyprint (without it the daemon sends the HTML page
# instead), HarfBuzz's subsetter for its fonts, CJK glyphs for zh-CN. Not version-pinned: the
# base image's Debian release fixes the packages, and a pin would break the build at its next
# security update.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei libpango-1.0-0 \
       libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 kubedrift \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/kubedrift \
       --no-create-home --shell /usr/sbin/nologin kubedrift \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/kubedrift \
    && install -d -m 0755 /etc/kubedrift

# The wheels and the script are bind-mounted from the builder: nothing of them stays in a layer.
RUN --mount=type=bind,from=builder,source=/wheels,target=/build/wheels \
    --mount=type=bind,from=builder,source=/src/deploy/docker,target=/build/docker \
    PIP_DISABLE_PIP_VERSION_CHECK=1 sh /build/docker/install.sh install /build/wheels /opt/kubedrift

ENV PATH=/opt/kubedrift/bin:${PATH} \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/var/lib/kubedrift \
    TMPDIR=/tmp \
    MPLCONFIGDIR=/tmp/matplotlib

WORKDIR /var/lib/kubedrift
VOLUME ["/var/lib/kubedrift"]
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["kubedrift"]
CMD ["daemon", "--config", "/etc/kubedrift/kubedrift.yaml"]
