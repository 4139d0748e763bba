"""The demo banner asks on every page whether any published organization or service is a demo
(portal/context_processors.py). With no demo data, an unindexed column meant reading every row
of both tables on every page view (about 5 ms at 5,000 organizations, issue 13); a partial index
holding only demo rows answers it without reading the others."""

import pytest
from django.db import connection
from django.test import Client

from directory.models import Organization, Service


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the query plan's wording is SQLite's")
@pytest.mark.parametrize(
    ("model", "index"), [(Organization, "directory_org_demo_idx"), (Service, "directory_service_demo_idx")]
)
def test_the_demo_question_reads_only_demo_rows(db, model, index):
    sql, params = model.objects.filter(live=True, is_demo=True).values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert f"USING INDEX {index}" in plan or f"USING COVERING INDEX {index}" in plan, plan


def test_the_banner_still_shows_when_a_demo_record_is_published(db, make_org, make_service):
    org = make_org("Plain Org")
    make_service(org, "Plain service")
    assert 'data-testid="demo-banner"' not in Client().get("/directory/").content.decode()
    make_service(org, "Demo service", is_demo=True)
    assert 'data-testid="demo-banner"' in Client().get("/directory/").content.decode()
