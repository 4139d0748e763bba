from django.conf import settings
from django.db import models


class SessionGeneration(models.Model):
    """A per-user counter stored in every session at sign-in. "Sign out of all devices" raises
    it, and a session carrying an older value is ended on its next request, whatever the
    session backend (database or cache) holds."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_generation"
    )
    generation = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user} #{self.generation}"
