"""Admin and serving hooks of the access log."""

from wagtail import hooks

from .library import record_file


# After the library's refusal (order -10) and Wagtail's own collection check (order 0): only a
# file actually served is recorded.
@hooks.register("before_serve_document", order=10)
def record_library_file(document, request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None  # the public is never recorded: no query for it
    from library.access import strictest_level

    record_file(request, document, strictest_level(document))
    return None
