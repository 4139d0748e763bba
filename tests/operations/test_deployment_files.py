"""The production stack's files, checked as far as this machine allows (no Docker engine here).

docker-compose.yml is parsed and checked service by service (and validated by `docker-compose
config` when the client is installed); the Caddyfile by `caddy validate` when Caddy is installed
(CI installs it and also serves the portal through it: scripts/ci-production); the Dockerfile's
stages are read for what each one carries.
"""

import ipaddress
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
SECRET_WORDS = re.compile(r"PASSWORD|SECRET|TOKEN|KEY", re.I)


def dockerfile_stages():
    stages, current = {}, None
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        match = re.match(r"FROM\s+(\S+)(?:\s+AS\s+(\S+))?", line, re.I)
        if match:
            current = match.group(2) or f"stage{len(stages)}"
            stages[current] = [line]
        elif current:
            stages[current].append(line)
    return {name: "\n".join(lines) for name, lines in stages.items()}


def test_the_stack_has_every_service_with_a_health_check():
    assert set(SERVICES) == {"proxy", "web", "worker", "scheduler", "db", "redis", "search"}
    for name, service in SERVICES.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
    assert SERVICES["web"]["healthcheck"]["test"] == ["CMD", "python", "docker/healthcheck.py"]
    assert "/healthz" in (ROOT / "docker/healthcheck.py").read_text()
    assert "wait_for_status=yellow" in " ".join(SERVICES["search"]["healthcheck"]["test"])


def test_worker_and_scheduler_run_commands_that_exist():
    commands = get_commands()
    for name in ("worker", "scheduler"):
        command = SERVICES[name]["command"]
        assert command[:2] == ["python", "manage.py"] and command[2] in commands, command
        # They start once web has migrated.
        assert SERVICES[name]["depends_on"] == {"web": {"condition": "service_healthy"}}
    # The scheduler is healthy while its process runs; the worker while its heartbeat is fresh.
    assert SERVICES["scheduler"]["healthcheck"]["test"][-1] == "run_scheduler"
    assert SERVICES["worker"]["healthcheck"]["test"] == ["CMD", "python", "manage.py", "worker_health"]
    assert "worker_health" in commands
    assert SERVICES["web"]["environment"]["PORTAL_SETUP"] == "1"
    assert "PORTAL_SETUP" not in SERVICES["worker"]["environment"]
    for dependency in ("db", "redis", "search"):
        assert SERVICES["web"]["depends_on"][dependency] == {"condition": "service_healthy"}


def test_no_secret_is_written_in_the_compose_file():
    for name, service in SERVICES.items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_WORDS.search(key):
                assert str(value).startswith("${") and ":?" in str(value), f"{name}.{key} is hard-coded"
    database_url = SERVICES["web"]["environment"]["DATABASE_URL"]
    password = database_url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
    assert password.startswith("${POSTGRES_PASSWORD:?")
    # SECRET_KEY reaches the containers only through env_file (.env).
    assert all("SECRET_KEY" not in (service.get("environment") or {}) for service in SERVICES.values())
    assert SERVICES["web"]["env_file"] == ".env"


def test_the_proxy_is_the_only_trusted_proxy_and_the_only_published_service():
    proxy_ip = SERVICES["proxy"]["networks"]["portal"]["ipv4_address"]
    subnet = COMPOSE["networks"]["portal"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(proxy_ip) in ipaddress.ip_network(subnet)
    assert SERVICES["web"]["environment"]["TRUSTED_PROXIES"] == proxy_ip
    assert [name for name, service in SERVICES.items() if service.get("ports")] == ["proxy"]
    # The proxy may read media only for image renditions; it gets the volume read-only.
    assert "media:/srv/media:ro" in SERVICES["proxy"]["volumes"]


def test_env_example_has_placeholders_and_works_on_localhost():
    env = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert "localhost" in env["ALLOWED_HOSTS"].split(",")
    assert "https://localhost" in env["CSRF_TRUSTED_ORIGINS"].split(",")
    for key in ("SECRET_KEY", "POSTGRES_PASSWORD", "EMAIL_HOST_PASSWORD"):
        assert env[key].startswith("replace-with"), key
    assert env["PORTAL_DOMAIN"] == "localhost"


def test_the_image_compiles_catalogues_and_carries_no_node():
    stages = dockerfile_stages()
    assert list(stages)[-1] == "web"  # the default target
    assert "npm ci" in stages["assets"]
    assert "gettext" in stages["build"] and "scripts/release build" in stages["build"]
    assert "rm -rf node_modules" in stages["build"]
    for name in ("build", "web", "proxy"):
        assert "npm" not in stages[name] and "nodejs" not in stages[name]
    assert "gettext" not in stages["web"]
    assert "COPY --from=build /app/static_collected /srv/static" in stages["proxy"]
    assert 'ENTRYPOINT ["docker/entrypoint.sh"]' in stages["web"]
    release = (ROOT / "scripts/release").read_text()
    assert "compilemessages" in release and "collectstatic" in release
    assert "migrate --noinput" in release and "setup_portal" in release
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".venv", "node_modules", ".env", ".git", "media", "**/*.mo"):
        assert entry in ignored
    assert not (ROOT / "docker/elasticsearch").exists()
    assert "analysis-icu" not in (ROOT / "docker-compose.yml").read_text() + (ROOT / "Dockerfile").read_text()
    assert "icu_" not in (ROOT / "search/engines/elasticsearch.py").read_text()  # no mapping needs the plugin


def test_the_caddyfile_never_serves_documents_from_disk():
    caddyfile = (ROOT / "docker/Caddyfile").read_text()
    handled = re.findall(r"handle(?:_path)?\s+(/\S*)", caddyfile)
    assert handled == ["/static/*", "/media/images/*", "/media/*"]
    assert re.search(r"handle /media/\* \{\s*respond 404", caddyfile)
    assert "header_up X-Request-ID" in caddyfile


@pytest.mark.skipif(not shutil.which("caddy"), reason="caddy is not installed (CI installs it)")
def test_caddy_validates_the_caddyfile():
    result = subprocess.run(
        ["caddy", "validate", "--config", str(ROOT / "docker/Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True, text=True, env={**os.environ, "PORTAL_DOMAIN": "portal.example.org"},
    )
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose is not installed (CI installs it)")
def test_docker_compose_accepts_the_file(tmp_path):
    env_file = tmp_path / ".env"
    shutil.copy(ROOT / ".env.example", env_file)
    command = ["docker-compose", "--project-directory", str(ROOT), "--env-file", str(env_file),
               "-f", str(ROOT / "docker-compose.yml"), "config", "-q"]
    # env_file: .env is read from the project directory: give it one for the check.
    env = {k: v for k, v in os.environ.items() if k != "POSTGRES_PASSWORD"}
    created = not (ROOT / ".env").exists()
    if created:
        shutil.copy(env_file, ROOT / ".env")
    try:
        ok = subprocess.run(command, capture_output=True, text=True, env=env)
        assert ok.returncode == 0, ok.stderr
        env_file.write_text(env_file.read_text().replace("POSTGRES_PASSWORD=", "#POSTGRES_PASSWORD="))
        missing = subprocess.run(command, capture_output=True, text=True, env=env)
        assert missing.returncode != 0 and "POSTGRES_PASSWORD" in missing.stderr
    finally:
        if created:
            (ROOT / ".env").unlink()
