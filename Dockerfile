# Production image of the portal: gunicorn behind a TLS-terminating proxy.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=portal.settings.production
WORKDIR /app
COPY pyproject.toml README.md package.json package-lock.json ./
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
RUN npm ci --omit=dev --no-audit --no-fund
COPY portal portal
COPY directory directory
COPY library library
COPY services_map services_map
COPY search search
COPY templates templates
COPY manage.py ./
RUN pip install --no-cache-dir . && useradd --system --home /app portal && mkdir -p /app/media /app/static_collected && chown portal /app/media
# collectstatic needs a key to import settings; it is not the runtime key.
RUN SECRET_KEY=build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(64))') ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
