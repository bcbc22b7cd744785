"""PostgreSQL restarts (every server connection dies) while the web keeps persistent connections: the next
request gets a fresh connection instead of an error — the node recovers without a restart of its own.
`deploy/cluster.sh` does the same with a real `pg_ctl restart` under traffic through nginx."""
import os

import psycopg
import pytest
from django.db import close_old_connections, connection

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not os.environ.get("DATABASE_OWNER_URL"), reason="needs scripts/test.sh's PostgreSQL")]


def _kill_server_side_of(pid: int) -> None:
    """What a restart does to an open connection, done by the cluster's superuser (scripts/services.sh)."""
    url = os.environ["DATABASE_OWNER_URL"].replace("pbcity_owner@", "pbcity@").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_request_after_the_database_dropped_every_connection_still_succeeds(client, settings):
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.settings_dict["CONN_HEALTH_CHECKS"] = True
    try:
        assert client.get("/proposals/").status_code == 200
        connection.ensure_connection()
        _kill_server_side_of(connection.connection.info.backend_pid)
        # The persistent connection is dead now. A real server sends `request_started`, whose handler marks
        # the connection for a health check (the test client disconnects that handler, so do it here);
        # the check fails and the request's first query opens a new connection.
        close_old_connections()
        assert client.get("/proposals/").status_code == 200
        assert client.get("/healthz").json()["database"] == "ok"
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = 0
        connection.settings_dict["CONN_HEALTH_CHECKS"] = False
        connection.close()
