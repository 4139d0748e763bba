"""GET /directory/hsds/datapackage.zip: the public datapackage, from the shared cache."""

from django.http import HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_GET

from . import export


@require_GET
def datapackage_zip(request):
    data, stamp = export.cached_zip()
    etag = f'"{stamp}"'
    if etag in request.headers.get("If-None-Match", ""):
        return HttpResponseNotModified(headers={"ETag": etag})
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.FILENAME}"'
    response["ETag"] = etag
    response["Access-Control-Allow-Origin"] = "*"  # the public tier only: any site may read it
    response["Cache-Control"] = "public, max-age=300"
    return response
