def organization_vcard(request, slug):
    raise NotImplementedError


def contact_vcard(request, slug, kind, pk):
    raise NotImplementedError
