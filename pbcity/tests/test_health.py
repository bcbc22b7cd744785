"""/healthz tells a load balancer whether this node can serve: database, Redis and a live worker."""
import os

import pytest
from django.urls import reverse

from pbcity import health

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL", "")


def test_without_a_broker_tasks_are_embedded_and_the_node_is_healthy(client, settings):
    settings.REDIS_URL = ""
    resp = client.get(reverse("healthz"))
    assert resp.status_code == 200
    assert resp.json()["database"] == "ok" and resp.json()["worker"].startswith("embedded")
    assert "no-cache" in resp["Cache-Control"]


@pytest.mark.skipif(not REDIS_URL, reason="needs the Redis that scripts/test.sh starts")
def test_a_worker_heartbeat_makes_the_node_healthy(client, settings):
    settings.REDIS_URL = REDIS_URL
    health._redis().delete(health.HEARTBEAT_KEY)
    down = client.get(reverse("healthz"))
    assert down.status_code == 503 and down.json()["worker"] == "error: no heartbeat for 60 s"
    assert down.json()["redis"] == "ok"
    health.heartbeat()
    up = client.get(reverse("healthz"))
    assert up.status_code == 200 and up.json()["worker"].startswith("ok")
    health._redis().delete(health.HEARTBEAT_KEY)


def test_redis_unreachable_is_reported(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    resp = client.get(reverse("healthz"))
    assert resp.status_code == 503
    assert resp.json()["redis"].startswith("error") and resp.json()["database"] == "ok"
