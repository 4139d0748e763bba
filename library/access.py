"""Who may see a library item and its file.

Tiers are the directory's (directory.visibility): anonymous visitors see `public`, Partners see
`partners`, editors see `restricted`. Three protections apply to files:

1. Each file is kept in the collection of its item's access level ("Library: partners only",
   "Library: restricted"), and those collections carry Wagtail view restrictions for the groups
   that may see them, so /documents/<id>/<name> asks an anonymous visitor to sign in.
2. The `before_serve_document` hook (wagtail_hooks.py) refuses any file attached to an item the
   viewer may not see, whatever collection an editor put it in.
3. The item's own download link (/library/<slug>/download/) checks the tier before streaming.

Every refusal is a 404, the same page as an unknown address (`refuse`): hidden = unknown.
The same strictest-level rule applies to a file's extracted text in the search index
(`file_text_level_ok`, used by library/searchable.py).
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.http import Http404
from wagtail.models import Collection, CollectionViewRestriction

from directory.visibility import allowed_tiers, viewer_tier

from .models.choices import AccessLevel

COLLECTION_NAMES = {
    AccessLevel.PUBLIC: "Library: public",
    AccessLevel.PARTNERS: "Library: partners only",
    AccessLevel.RESTRICTED: "Library: restricted",
}
# Groups whose members may open files of each level through Wagtail's document URL. Editors
# and superusers pass any restriction through `viewer_tier`; these groups are for the URL check.
EDITOR_GROUPS = ["Editors", "Moderators", "Coordinators"]


def viewer_may_see(user, access_level):
    return (access_level or AccessLevel.PUBLIC) in allowed_tiers(viewer_tier(user))


def refuse(request):
    """A viewer below an item's (or file's) tier gets exactly what an unknown address gets: the
    404 page, which offers anonymous visitors a sign-in link back to this address. A redirect
    to sign in would confirm that the hidden item exists."""
    raise Http404


def library_collection(access_level):
    """The collection for files of `access_level`, created with its view restriction."""
    name = COLLECTION_NAMES[AccessLevel(access_level)]
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=name).first()
    if collection is None:
        collection = root.add_child(name=name)
    if access_level != AccessLevel.PUBLIC and not collection.view_restrictions.exists():
        groups = list(EDITOR_GROUPS)
        if access_level == AccessLevel.PARTNERS:
            groups.append(settings.DIRECTORY_PARTNER_GROUP)
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        )
        restriction.groups.set([Group.objects.get_or_create(name=g)[0] for g in groups])
    return collection


def place_file(document, access_level):
    """Move a file into the collection of its item's access level (on publish)."""
    if document is None:
        return
    target = library_collection(access_level)
    if document.collection_id != target.pk:
        document.collection = target
        document.save(update_fields=["collection"])


LEVEL_RANK = {AccessLevel.PUBLIC: 0, AccessLevel.PARTNERS: 1, AccessLevel.RESTRICTED: 2}


def file_levels(file_ids):
    """{file id: the strictest access level among the items (published or not) that use it}."""
    from .models import LibraryDocumentPage

    levels = {}
    rows = LibraryDocumentPage.objects.filter(file_id__in=set(file_ids))
    for file_id, level in rows.values_list("file_id", "access_level"):
        if LEVEL_RANK.get(level, 0) >= LEVEL_RANK.get(levels.get(file_id), -1):
            levels[file_id] = level
    return levels


def file_text_level_ok(page, levels):
    """May `page`'s search document carry the text extracted from its file? Only when no other
    item using the same file is stricter than `page`: a file's text takes the strictest level
    of the items that use it, so a public item sharing a restricted file indexes only its own
    metadata (no snippet, export or word of "did you mean" can come from that text)."""
    if not page.file_id:
        return True
    strictest = levels.get(page.file_id, page.access_level)
    return LEVEL_RANK.get(strictest, 2) <= LEVEL_RANK.get(page.access_level, 0)


def strictest_level(document):
    """The strictest access level among the items that use `document`, or None."""
    from .models import LibraryDocumentPage

    levels = set(LibraryDocumentPage.objects.filter(file=document).values_list("access_level", flat=True))
    for level in (AccessLevel.RESTRICTED, AccessLevel.PARTNERS, AccessLevel.PUBLIC):
        if level in levels:
            return level
    return None
