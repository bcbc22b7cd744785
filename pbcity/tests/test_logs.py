"""Every response carries a request id; production log lines are JSON objects that carry it too."""
import json
import logging

import pytest

from pbcity.logs import JsonFormatter, RequestIdFilter, request_id

pytestmark = pytest.mark.django_db


def test_the_proxys_request_id_is_kept_and_a_bad_one_replaced(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="3f2a9c1e0b7d4e21")["X-Request-ID"] == "3f2a9c1e0b7d4e21"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="x\r\nSet-Cookie: a=b")["X-Request-ID"]
    assert len(made) == 32 and "\n" not in made
    assert client.get("/healthz")["X-Request-ID"] != made


def test_a_log_line_is_one_json_object_with_the_request_id():
    token = request_id.set("abc123def456")
    try:
        record = logging.LogRecord("pbcity.tasks", logging.ERROR, __file__, 1, "Task %s failed: 「%s」",
                                   ("x", "提案"), None)
        RequestIdFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        request_id.reset(token)
    data = json.loads(line)
    assert "\n" not in line
    assert data["request_id"] == "abc123def456" and data["level"] == "ERROR"
    assert data["message"] == "Task x failed: 「提案」"
