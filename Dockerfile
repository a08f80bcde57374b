# syntax=docker/dockerfile:1
# opsbot: multi-stage image. The build stage installs the package (not editable) with its pinned
# runtime dependencies into a virtual environment; the runtime stage holds only that venv (the
# package carries its migrations and default settings) and runs as a non-root user.
# No dev tools (pytest, ruff, mypy) and no source tree in the runtime image.
# CI has no Docker engine: what it proves about this image is listed in README "Production".

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml setup.py constraints.txt README.md ./
COPY bot ./bot
COPY migrations ./migrations
COPY config ./config
RUN /opt/venv/bin/pip install --progress-bar off -c constraints.txt .

FROM python:3.11-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OPSBOT_LOG_FORMAT=json \
    OPSBOT_HOST=0.0.0.0 \
    PORT=3000
RUN groupadd --system opsbot && useradd --system --gid opsbot --home-dir /app opsbot \
    && mkdir -p /app/data && chown opsbot:opsbot /app/data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app/data
USER opsbot
# SQLite lands in /app/data (mount a volume there) unless DATABASE_URL points at Postgres.
ENV DATABASE_URL=sqlite:////app/data/opsbot.db
EXPOSE 3000
# `docker stop` sends SIGTERM: opsbot answers what it received, stops the scheduler and exits 0
# (well inside Docker's default 10 s).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"3000\")}/healthz', timeout=4)"
ENTRYPOINT ["opsbot"]
CMD ["serve"]
