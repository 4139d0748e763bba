def organization_detail(request, slug):
    raise NotImplementedError


def organization_hsds(request, slug):
    raise NotImplementedError
