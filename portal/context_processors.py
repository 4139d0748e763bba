from django.db.models import IntegerField, Value

from directory.models import Organization, Service
from directory.visibility import viewer_tier


def portal(request):
    """Site chrome: the demo-data banner and the viewer's visibility tier."""
    from library.models import LibraryDocumentPage

    # One statement on every page (a UNION ALL stopping at its first row), not one per table.
    one = Value(1, output_field=IntegerField())
    published = [
        model.objects.filter(live=True, is_demo=True).order_by().values_list(one)
        for model in (Organization, Service, LibraryDocumentPage)
    ]
    demo = published[0].union(*published[1:], all=True).exists()
    return {"demo_data_published": demo, "viewer_tier": viewer_tier(request.user)}
