"""The task worker's rebuild of the map's stored rows (`stored`): a full rebuild takes 15-25 s
at 20,000 services, so the save that marks every row (an area or a service type) queues this
instead of leaving it to the next web request, which meanwhile reads the live path."""

from django_tasks import task

from background.retry import retried


@task()
@retried
def rebuild_map_rows():
    """Rebuild every row marked pending (idempotent: nothing marked, nothing done)."""
    from .stored import rebuild_marked

    rebuild_marked(full=True)
    return "The map's stored coverage rows and features are current."
