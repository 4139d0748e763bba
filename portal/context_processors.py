from directory.models import Organization, Service
from directory.visibility import viewer_tier


def portal(request):
    """Site chrome: the demo-data banner and the viewer's visibility tier."""
    from library.models import LibraryDocumentPage

    demo = (
        Organization.objects.filter(live=True, is_demo=True).exists()
        or Service.objects.filter(live=True, is_demo=True).exists()
        or LibraryDocumentPage.objects.filter(live=True, is_demo=True).exists()
    )
    return {"demo_data_published": demo, "viewer_tier": viewer_tier(request.user)}
