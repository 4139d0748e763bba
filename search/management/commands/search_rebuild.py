"""Rebuild the search index from what is published.

    manage.py search_rebuild                      # every configured engine, every kind
    manage.py search_rebuild --engine database    # only the database index
    manage.py search_rebuild --kind organization  # one kind

Elasticsearch: each kind gets a new index, filled with the bulk helper, then the alias swaps to
it atomically and the old index is deleted; searches keep working throughout. Database: the
kind's rows are replaced in one transaction.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from search import api, registry
from search.engines import database_engine, elasticsearch_engine


class Command(BaseCommand):
    help = "Rebuild the search index (database and, when ELASTICSEARCH_URL is set, Elasticsearch)."

    def add_arguments(self, parser):
        parser.add_argument("--engine", choices=["all", "database", "elasticsearch"], default="all")
        parser.add_argument("--kind", action="append", dest="kinds", help="Only this kind (repeatable).")

    def handle(self, *args, engine, kinds, **options):
        known = registry.kinds()
        unknown = [k for k in kinds or [] if k not in known]
        if unknown:
            raise CommandError(f"Unknown kind(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}.")
        engines = []
        if engine in ("all", "database"):
            engines.append(database_engine())
        if engine in ("all", "elasticsearch"):
            es = elasticsearch_engine()
            if es is None:
                if engine == "elasticsearch":
                    raise CommandError("ELASTICSEARCH_URL is not set.")
            else:
                engines.append(es)
        failed = False
        for target in engines:
            started = time.perf_counter()
            try:
                counts = api.rebuild(target, kinds)
            except Exception as exc:
                failed = True
                self.stderr.write(f"{target.name}: rebuild failed: {exc.__class__.__name__}: {exc}")
                continue
            seconds = time.perf_counter() - started
            summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
            self.stdout.write(f"{target.name}: indexed {summary} in {seconds:.1f} s")
        if failed:
            raise CommandError(
                "The rebuild did not finish for every engine (see above); the old index is still in use."
            )
