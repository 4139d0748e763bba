"""Compress text responses (HTML, JSON, GeoJSON, CSV, XML, JavaScript, SVG) for clients that
accept gzip.

Django's GZipMiddleware does the work: it skips responses already encoded (the map's GeoJSON is
compressed once and cached, services_map/views/map_page.py), adds `Vary: Accept-Encoding`,
streams streaming responses, and pads each body with random bytes against BREACH (pages carry a
CSRF token). Here it is limited to text: documents of the library (PDF, DOCX, XLSX are ZIP or
already compressed) and images would only cost CPU for nothing.
"""

from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/geo+json",
    "application/ld+json",
    "application/javascript",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "image/svg+xml",
)


def compressible(response):
    content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
    return content_type.startswith(COMPRESSIBLE)


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not compressible(response):
            return response
        return super().process_response(request, response)
