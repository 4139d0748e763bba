"""What the scheduler remembers: one row per job and period, and the capacity notices sent.

Both tables carry a unique constraint that is the guard against doing a thing twice: two
schedulers (or a restarted one) cannot both claim a job's period, and a steward is told once
that a service's capacity of a given date is out of date.
"""

from django.db import models


class ScheduledJobRun(models.Model):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STATUSES = [(RUNNING, "Running"), (SUCCEEDED, "Succeeded"), (FAILED, "Failed")]

    job = models.CharField(max_length=64)
    period = models.CharField(max_length=32, help_text="The day (or hour) this run is for.")
    status = models.CharField(max_length=16, choices=STATUSES, default=RUNNING)
    attempts = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="one_run_per_job_period")]

    def __str__(self):
        return f"{self.job} {self.period}: {self.status}"


class CapacityNotice(models.Model):
    """A recipient was told that a service's capacity, as of ``capacity_as_of``, is stale."""

    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="+")
    capacity_as_of = models.DateField()
    recipient = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "capacity_as_of", "recipient"], name="one_capacity_notice_per_recipient"
            )
        ]

    def __str__(self):
        return f"{self.service_id} {self.capacity_as_of} -> {self.recipient}"


class WorkerHeartbeat(models.Model):
    """A task worker is alive: it writes ``beat_at`` every WORKER_HEARTBEAT_SECONDS
    (background/heartbeat.py). Kept in the database, not the cache, since the cache may be down."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True, help_text="Set when it stopped cleanly.")

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self):
        return f"{self.worker_id} on {self.hostname}: {self.beat_at:%Y-%m-%d %H:%M:%S}"
