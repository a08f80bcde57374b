# syntax=docker/dockerfile:1
# opsbot: multi-stage image. The build stage resolves pinned dependencies into a virtual
# environment; the runtime stage copies only that and the source, and runs as a non-root user.
# Not exercised by CI (the build machines have no Docker engine); see README "Production".

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
RUN /opt/venv/bin/pip install -c constraints.txt .

FROM python:3.11-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OPSBOT_LOG_FORMAT=json \
    OPSBOT_CONFIG_FILE=/app/config/defaults.toml \
    PORT=3000
RUN groupadd --system opsbot && useradd --system --gid opsbot --home-dir /app opsbot
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --chown=opsbot:opsbot bot ./bot
COPY --chown=opsbot:opsbot migrations ./migrations
COPY --chown=opsbot:opsbot config ./config
RUN mkdir -p /app/data && chown opsbot:opsbot /app/data
USER opsbot
# SQLite lands in /app/data unless DATABASE_URL points at Postgres.
ENV DATABASE_URL=sqlite:////app/data/opsbot.db
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os,urllib.request,sys; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"3000\")}/healthz', timeout=4); sys.exit(0)"
ENTRYPOINT ["opsbot"]
CMD ["serve"]
