"""Log records for operators: the request id on every record, and JSON lines in production.

``RequestIdFilter`` copies the id of the request being served (portal/request_context.py) onto
each record, or "-" outside a request (commands, the task worker). ``JsonFormatter`` writes one
JSON object per line, which log collectors parse without a pattern.
"""

import json
import logging
from datetime import UTC, datetime

from .request_context import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    # Extra attributes worth keeping when a caller passes them (Django adds status_code to
    # django.request records; its `request` object is not serialisable and stays out).
    EXTRA_FIELDS = ("status_code", "task_id", "task_name")

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for name in self.EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
