"""Search fixtures: a real Elasticsearch endpoint, the two engines, and a small directory corpus.

The Elasticsearch engine talks HTTP to `$ELASTICSEARCH_URL` when it is set; otherwise to the
ES-API emulator noida-db (test dependency), whose bundled binary is started here on a free
loopback port with a fresh data directory and stopped by process id at the end of the session.
The emulator scans documents linearly, so the corpus stays small.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid
from importlib.resources import files
from pathlib import Path

import pytest
from wagtail.models import Locale

from directory.models import Area, Location, Organization, OrganizationName
from search import api
from search.engines.database import DatabaseEngine
from search.engines.elasticsearch import ElasticsearchEngine
from tests.conftest import area


@pytest.fixture(autouse=True)
def _fresh_synonyms():
    """Synonym maps are cached per process; a rolled-back test's groups must not leak."""
    from search.planning import forget_synonyms

    forget_synonyms()
    yield
    forget_synonyms()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url, proc, log, deadline=30):
    stop = time.monotonic() + deadline
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > stop:
            proc.kill()
            raise RuntimeError(f"The Elasticsearch emulator did not start:\n{Path(log).read_text()[-2000:]}")
        time.sleep(0.1)


@pytest.fixture(scope="session")
def elasticsearch_url():
    """An Elasticsearch HTTP endpoint for the whole session (real server or the emulator)."""
    url = os.environ.get("ELASTICSEARCH_URL")
    if url:
        yield url
        return
    binary = files("noida_db").joinpath("noida-db")
    if not binary.is_file():
        pytest.fail("noida-db's binary is missing: `make install` installs the test dependencies.")
    os.chmod(str(binary), 0o755)  # noqa: S103 (an executable shipped in a wheel, as its own CLI does)
    data_dir = tempfile.mkdtemp(prefix="noida-es-")
    port = _free_port()
    log_path = Path(data_dir) / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                str(binary),
                "start",
                "--data-dir",
                data_dir,
                "--host",
                "127.0.0.1",
                "--only",
                "elasticsearch",
                "--elasticsearch-port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url + "/", proc, log_path)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def es_engine(elasticsearch_url):
    """The Elasticsearch engine with indexes of its own (a unique prefix), dropped afterwards."""
    engine = ElasticsearchEngine(elasticsearch_url, prefix=f"test-{uuid.uuid4().hex[:10]}", refresh=True)
    yield engine
    engine.drop(["organization", "service", "note"])


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request, db):
    """Each contract test runs once per engine."""
    if request.param == "database":
        return DatabaseEngine()
    return request.getfixturevalue("es_engine")


@pytest.fixture
def index(engine):
    """index() rebuilds the engine's index from what is published now; returns the engine."""

    def _index():
        if engine.name == "elasticsearch":
            # As in production: the database index is always kept beside Elasticsearch (it is the
            # fallback, and its vocabulary gives "did you mean").
            api.rebuild(DatabaseEngine())
        api.rebuild(engine)
        return engine

    return _index


def _names(org, *names, kind="alias"):
    for name in names:
        OrganizationName.objects.create(organization=org, name=name, kind=kind)


@pytest.fixture
def corpus(make_org, make_service, tiered_org):
    """A small directory in English, Khmer, Thai and Vietnamese, with one of everything search
    must get right: acronyms, former names, places, nationwide services, drafts, tiers."""
    orgs = {}
    orgs["brc"] = make_org(
        "Battambang Reception Centre",
        area_key="KH:02",
        org_type="service_centre",
        description="Government reception centre receiving returned migrants and survivors.",
    )
    make_service(
        orgs["brc"],
        "Emergency shelters for women",
        terms=["SHELTER.SHORT"],
        areas=["KH:02"],
        languages=["km"],
        serves_men=False,
    )
    orgs["mosvy"] = make_org(
        "Ministry of Social Affairs, Veterans and Youth Rehabilitation",
        org_type="ministry",
        description="Leads reintegration of returned victims of trafficking.",
    )
    _names(orgs["mosvy"], "MoSVY", kind="acronym")
    _names(orgs["mosvy"], "MOSALVY", kind="former")
    make_service(
        orgs["mosvy"], "Repatriation and reintegration", terms=["REINT"], areas=["KH"], languages=["km", "en"]
    )
    orgs["poipet"] = make_org(
        "Poipet Transit Centre",
        area_key="KH:01",
        org_type="service_centre",
        description="Receives deportees from Thailand at the Poipet border crossing.",
    )
    make_service(
        orgs["poipet"], "Reception of deportees", terms=["RECEPT"], areas=["KH:01"], languages=["km", "th"]
    )
    orgs["legal_km"] = make_org(
        "មជ្ឈមណ្ឌលសេវាកម្មជំនួយផ្លូវច្បាប់",
        area_key="KH:12",
        org_type="national_ngo",
        description="ផ្តល់សេវាកម្មជំនួយផ្លូវច្បាប់ដល់ជនរងគ្រោះ",
    )
    make_service(orgs["legal_km"], "សេវាកម្មជំនួយផ្លូវច្បាប់", terms=["LEGAL"], areas=["KH:12"], languages=["km"])
    orgs["thai"] = make_org(
        "ศูนย์ช่วยเหลือสังคม",
        country="TH",
        area_key=None,
        org_type="government_department",
        description="ศูนย์ช่วยเหลือสังคมสายด่วน ให้ความช่วยเหลือผู้เสียหายจากการค้ามนุษย์",
    )
    make_service(
        orgs["thai"], "Social assistance hotline 1300", terms=["HELP"], areas=["TH"], languages=["th"]
    )
    orgs["legal_en"] = make_org(
        "Legal Aid of Cambodia",
        area_key="KH:12",
        org_type="national_ngo",
        description="Labor rights counseling center for migrant workers in Phnum Pénh.",
    )
    make_service(
        orgs["legal_en"],
        "Labour dispute counselling",
        terms=["LEGAL"],
        areas=["KH:12"],
        languages=["en", "km"],
        trafficking_labour=True,
        serves_migrants=True,
    )
    orgs["vn"] = make_org(
        "Hội Liên hiệp Phụ nữ Việt Nam",
        country="VN",
        area_key=None,
        org_type="mass_organization",
        description="Hỗ trợ phụ nữ trở về từ Campuchia.",
    )
    orgs["draft"] = make_org("Draft Battambang Safehouse", live=False, area_key="KH:02")
    make_service(orgs["draft"], "Draft shelter service", terms=["SHELTER"], live=False)
    orgs["tiered"] = tiered_org
    return orgs


def make_live_copy_in(locale_code, org, **fields):
    """A live translation of `org` (Wagtail i18n copy) with the given fields."""
    locale, _ = Locale.objects.get_or_create(language_code=locale_code)
    copy = org.copy_for_translation(locale)
    for key, value in fields.items():
        setattr(copy, key, value)
    copy.live = True
    copy.save()
    return copy


__all__ = ["Area", "Location", "Organization", "area", "make_live_copy_in"]
