"""Access-log tests: real database and the portal's own middleware chain."""

import pytest
from django.contrib.auth.models import Group, User

from audit.models import AccessLogEntry


@pytest.fixture
def staff_editor(db):
    """An editor as the roles make one (admin access through the Editors group), not a superuser."""
    user = User.objects.create_user("staff-editor", "staff-editor@example.org", "editor-pass-123")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def viewers(partner_user, staff_editor):
    """(user, tier) pairs above public: every one of them must be logged."""
    return [(partner_user, "partners"), (staff_editor, "restricted")]


def entries(**filters):
    return list(AccessLogEntry.objects.filter(**filters).order_by("pk"))
