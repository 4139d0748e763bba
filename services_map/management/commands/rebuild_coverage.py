"""Rebuild the stored coverage rows (services_map.models.CoverageRow) of every service.

    manage.py rebuild_coverage

Saves and deletes keep the rows current by themselves (services_map.stored); run this after
loading data with bulk_create or queryset update(), which send no signals. The migration that
creates the rows marks them all pending: the first read queues the task worker's rebuild
(`services_map.tasks`), and pages take the slower live path until it has run.
"""

import time

from django.core.management.base import BaseCommand

from services_map import stored


class Command(BaseCommand):
    help = "Rebuild the stored coverage rows (where each service is based and whom it serves)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        marks = list(stored.CoveragePending.objects.values_list("pk", flat=True))
        count = stored.rebuild()
        stored.CoveragePending.objects.filter(pk__in=marks).delete()  # a later mark stays
        self.stdout.write(f"{count} coverage rows in {time.perf_counter() - started:.1f}s")
