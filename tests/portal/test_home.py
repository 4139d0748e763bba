import pytest
from wagtail.models import Locale, Site


@pytest.mark.django_db
def test_home_page_is_served_with_directory_search(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mekong Protection Portal" in html
    assert 'action="/directory/"' in html


@pytest.mark.django_db
def test_english_and_khmer_locales_exist():
    codes = set(Locale.objects.values_list("language_code", flat=True))
    assert {"en", "km"} <= codes
    assert Site.objects.get(is_default_site=True).root_page.specific.__class__.__name__ == "HomePage"


@pytest.mark.django_db
def test_khmer_interface_can_be_chosen(client):
    response = client.post("/i18n/setlang/", {"language": "km", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert '<html lang="km">' in response.content.decode()


@pytest.mark.django_db
def test_khmer_interface_translates_the_directory_and_demo_banner(client, make_org, make_service):
    from search import api
    from search.engines import database_engine

    org = make_org("Demo Org", is_demo=True)
    make_service(org, "Girls' shelter", terms=["SHELTER.SHORT"])
    api.rebuild(database_engine())  # the listing's filters count on the index, as after a publish
    html = client.get("/km/directory/").content.decode()  # the Khmer address
    assert "ទិន្នន័យសាកល្បង មិនមែនសម្រាប់ការបញ្ជូនទេ។" in html  # demo banner
    assert "អនុវត្តតម្រង" in html  # "Apply filters"
    assert "Apply filters" not in html
    assert 'data-value="SHELTER"' in html and "ជម្រក" in html  # service family named in Khmer
