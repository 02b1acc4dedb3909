"""docker-compose.yml, read as data (no Docker engine here): the services the loopback
stack mirrors, wired the way the settings expect."""

from pathlib import Path

import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())


def test_web_waits_for_its_database_and_migrations_and_uses_the_shared_cache():
    services = COMPOSE["services"]
    assert {"db", "cache", "migrate", "web", "nginx"} <= set(services)
    web = services["web"]
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "cache" in web["depends_on"]
    host, port = web["environment"]["MEMCACHED_LOCATION"].split(":")
    assert host == "cache" and port in " ".join(services["cache"].get("command", [])) + " 11211"
    for name in ("db", "cache"):
        assert services[name]["healthcheck"]["test"], name


def test_secrets_come_from_the_environment():
    for name, service in COMPOSE["services"].items():
        environment = service.get("environment") or {}
        assert "SECRET_KEY" not in environment, name  # from .env (env_file), never written here
        password = environment.get("POSTGRES_PASSWORD") or ""
        assert not password or password.startswith("${POSTGRES_PASSWORD:?"), name


def test_the_task_queue_runs_one_beat_and_workers_on_the_web_image_and_its_volumes():
    services = COMPOSE["services"]
    assert {"redis", "worker", "worker-long", "beat"} <= set(services)
    assert services["redis"]["healthcheck"]["test"]
    web = services["web"]
    broker = web["environment"]["CELERY_BROKER_URL"]
    assert broker.startswith("redis://redis:")
    for name, role in (("worker", "worker"), ("worker-long", "worker"), ("beat", "beat")):
        service = services[name]
        assert service["image"] == web["image"], name  # the same code and settings as web
        assert service["environment"]["CELERY_BROKER_URL"] == broker, name
        assert service["environment"]["DATABASE_URL"] == web["environment"]["DATABASE_URL"], name
        assert service["depends_on"]["redis"]["condition"] == "service_healthy", name
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
        assert service["command"][:4] == ["celery", "-A", "marketplace", role], name
    # Every queue has a worker; the long jobs' worker shares the artifact store with web.
    queues = {services[name]["command"][services[name]["command"].index("--queues") + 1]
              for name in ("worker", "worker-long")}
    assert queues == {"celery", "long"}
    assert "models:/srv/models" in services["worker-long"]["volumes"]
    assert "models:/srv/models" in web["volumes"]
    assert services["beat"]["deploy"]["replicas"] == 1  # two beats would send every job twice
