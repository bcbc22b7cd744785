"""Structured logs: one JSON object a line in production, each carrying the request id.

`RequestIdMiddleware` takes the id nginx sets (`X-Request-ID`, see deploy/nginx.conf.template) or makes
one, keeps it for the request's log lines and returns it in the response, so a resident's report
("request 3f2a…") finds every line of that request on every node.
"""
import contextvars
import json
import logging
import re
import uuid

request_id = contextvars.ContextVar("request_id", default="")
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = given if _VALID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        request.request_id = rid
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and the exception if any."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id.get(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        for key in ("status_code", "task_id", "task_name"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(*, json_lines: bool, level: str = "INFO") -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "pbcity.logs.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "pbcity.logs.JsonFormatter"},
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                        "formatter": "json" if json_lines else "plain"},
        },
        "root": {"handlers": ["console"], "level": level},
        # One line per task run is noise here (the worker logs its own); failures still come through.
        "loggers": {"django.server": {"level": "WARNING"}, "celery.app.trace": {"level": "WARNING"},
                    "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
    }
