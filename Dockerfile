# syntax=docker/dockerfile:1
# The portal's images, in stages:
#   assets  npm ci: the front-end packages (Khmer font, Leaflet). Node exists only in this stage.
#   build   the Python packages into /opt/venv; scripts/release build compiles every message
#           catalogue (gettext is installed here only) and collects the static files.
#   proxy   Caddy with docker/Caddyfile and the collected static files (compose service "proxy").
#   web     the runtime for web, worker and scheduler: Python, /opt/venv, the code, compiled
#           catalogues and static files, PostgreSQL's client for backups. No Node, no gettext.
# The last stage is the default: `docker build .` builds the web image.
ARG PYTHON_IMAGE=python:3.11-slim-trixie

FROM node:22-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${PYTHON_IMAGE} AS build
ENV PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY scripts/release scripts/
RUN python -m venv /opt/venv \
    && scripts/release requirements > /tmp/requirements.txt \
    && /opt/venv/bin/pip install -r /tmp/requirements.txt
COPY . .
COPY --from=assets /src/node_modules ./node_modules
ENV PATH=/opt/venv/bin:$PATH DJANGO_SETTINGS_MODULE=portal.settings.production
# Settings need a key and a host to load; neither is used at run time.
RUN SECRET_KEY="build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" ALLOWED_HOSTS=build \
    scripts/release build \
    && rm -rf node_modules

FROM caddy:2.10-alpine AS proxy
COPY docker/Caddyfile /etc/caddy/Caddyfile
COPY --from=build /app/static_collected /srv/static

FROM ${PYTHON_IMAGE} AS web
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=portal.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app portal
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
RUN mkdir -p /app/media /backups && chown portal /app/media /backups
USER portal
EXPOSE 8000
ENTRYPOINT ["docker/entrypoint.sh"]
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
