"""Wagtail admin report "Background tasks": workers' heartbeats, failed and waiting tasks, and the
scheduler's jobs."""

import json
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from portal.admin_reports import AdminReportView

from .heartbeat import is_alive
from .models import WorkerHeartbeat
from .scheduler import last_runs

LISTED = 200  # per table; the totals say how many there are in all
WORKERS_LISTED = 20  # the latest heartbeats (a restarted worker has a new id)


@dataclass
class TaskRow:
    id: str
    name: str
    arguments: str
    status: str
    attempts: int
    error: str  # the last line of the last traceback
    traceback: str
    enqueued_at: object
    finished_at: object
    next_attempt_at: object  # None: as soon as a worker is free


def _arguments(args_kwargs):
    parts = [json.dumps(value, ensure_ascii=False) for value in args_kwargs.get("args", [])]
    parts += [f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in args_kwargs.get("kwargs", {}).items()]
    text = ", ".join(parts)
    return text if len(text) <= 300 else text[:299] + "…"


def _last_line(traceback):
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def task_rows(queryset):
    never = get_date_max()
    return [
        TaskRow(
            id=str(result.id),
            name=result.task_name,
            arguments=_arguments(result.args_kwargs),
            status=result.get_status_display(),
            attempts=len(result.worker_ids),
            error=_last_line(result.traceback),
            traceback=result.traceback,
            enqueued_at=result.enqueued_at,
            finished_at=result.finished_at,
            next_attempt_at=None if result.run_after == never else result.run_after,
        )
        for result in queryset[:LISTED]
    ]


class BackgroundTasksView(AdminReportView):
    template_name = "background/admin/tasks_report.html"
    page_title = _("Background tasks")
    header_icon = "cogs"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        failed = DBTaskResult.objects.failed().order_by("-finished_at")
        waiting = DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).order_by("run_after", "enqueued_at")
        latest = WorkerHeartbeat.objects.order_by("-beat_at")[:WORKERS_LISTED]
        workers = [(beat, is_alive(beat)) for beat in latest]
        context.update(
            {
                "failed": task_rows(failed),
                "failed_total": failed.count(),
                "waiting": task_rows(waiting),
                "waiting_total": waiting.count(),
                "jobs": last_runs(),
                "workers": workers,
                "worker_alive": any(alive for _, alive in workers),
            }
        )
        return context
