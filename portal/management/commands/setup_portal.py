"""One-shot set-up after `migrate` (what `make run` calls). Safe to run again and again.

1. Loads or updates the reference data (gazetteer incl. communes, service types, languages).
2. Loads the demonstration directory the first time only (when no demo organization exists);
   `--reload-demo` refreshes it, `--no-demo` skips demo data and the demo partner account.
   Production settings skip the demo unless `--demo` is given (SETUP_LOADS_DEMO).
   Then the demonstration library (idempotent: `load_library_demo`), before the index rebuild.
3. Creates the superuser "admin" with a generated password if there is no superuser yet.
4. Creates the demo partner account "partner" (member of the Partners group) if missing.

Passwords are generated with `secrets` and printed once; they are never stored in clear.
"""

import secrets
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from directory.demo.loader import DemoDataError, load_demo
from directory.models import Organization

BASE_URL = "http://127.0.0.1:8000"
ADMIN_USERNAME = "admin"
PARTNER_USERNAME = "partner"


def generate_password():
    return secrets.token_urlsafe(12)


class Command(BaseCommand):
    help = (
        "Set up the portal after migrate: reference data, demo data (first run only), an admin "
        "superuser and a demo partner account, with generated passwords printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reload-demo", action="store_true", help="Refresh the demo data even if it was loaded before."
        )
        parser.add_argument(
            "--no-demo", action="store_true", help="Load no demo data and create no demo partner account."
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Load the demo data even where settings say not to (production's default is --no-demo).",
        )
        parser.add_argument(
            "--base-url", default=BASE_URL, help="Where the portal will be served (for the printed links)."
        )
        parser.add_argument(
            "--no-communes", action="store_true", help="Skip the 1,600 communes (faster; for tests and CI)."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        self.base_url = options.get("base_url", BASE_URL).rstrip("/")
        if options["no_demo"] and (options["reload_demo"] or options.get("demo")):
            raise CommandError("Choose either --demo/--reload-demo or --no-demo.")
        if not (options.get("demo") or options["reload_demo"] or getattr(settings, "SETUP_LOADS_DEMO", True)):
            options["no_demo"] = True
            self.stdout.write("No demo data (SETUP_LOADS_DEMO is off in these settings; --demo loads it).")

        self.stdout.write("Reference data (gazetteer, service types, languages)...")
        ref_args = ["--no-communes"] if options["no_communes"] else []
        call_command("load_reference_data", *ref_args, stdout=self.stdout, verbosity=options["verbosity"])

        if not options["no_demo"]:
            self._demo_data(reload=options["reload_demo"])
            self._library_demo()
        self._search_index()

        credentials = []
        with transaction.atomic():
            credentials.append(self._admin())
            if not options["no_demo"]:
                credentials.append(self._partner())

        self._print_credentials([c for c in credentials if c])
        self.stdout.write(self.style.SUCCESS(f"Portal set up in {time.monotonic() - started:.1f} s."))

    # --- steps ---------------------------------------------------------------------------------

    def _demo_data(self, reload):
        if Organization.objects.filter(is_demo=True).exists() and not reload:
            self.stdout.write("Demo data: already loaded, left as it is (use --reload-demo to refresh it).")
            return
        self.stdout.write("Demo data (marked as demo; the site shows a banner while it is published)...")
        try:
            load_demo(stdout=self.stdout)
        except DemoDataError as exc:
            raise CommandError(str(exc))

    def _library_demo(self):
        """Demo library items (idempotent); indexed by the rebuild that follows."""
        self.stdout.write("Library demo records...")
        call_command("load_library_demo", "--no-index", stdout=self.stdout)

    def _search_index(self):
        """Rebuild the search index from what is published (a few seconds for the demo data)."""
        self.stdout.write("Search index...")
        try:
            call_command("search_rebuild", stdout=self.stdout)
        except CommandError as exc:
            message = f"Search index not fully rebuilt: {exc} Run `manage.py search_rebuild` later."
            self.stdout.write(self.style.WARNING(message))

    def _admin(self):
        User = get_user_model()
        superuser = User.objects.filter(is_superuser=True).order_by("pk").first()
        if superuser is not None:
            self.stdout.write(
                f"Admin: a superuser exists ({superuser.get_username()}); no new one created. "
                f"To set a new password: python manage.py changepassword {superuser.get_username()}"
            )
            return None
        if User.objects.filter(username=ADMIN_USERNAME).exists():
            self.stdout.write(
                self.style.WARNING(
                    f"Admin: a user called '{ADMIN_USERNAME}' exists but is not a superuser; none created. "
                    "Create one with: python manage.py createsuperuser"
                )
            )
            return None
        password = generate_password()
        User.objects.create_superuser(ADMIN_USERNAME, f"{ADMIN_USERNAME}@example.org", password)
        url = self._url("wagtailadmin_home", "/admin/")
        return ("Admin (editors' interface)", url, ADMIN_USERNAME, password)

    def _partner(self):
        User = get_user_model()
        group, _ = Group.objects.get_or_create(name=settings.DIRECTORY_PARTNER_GROUP)
        user = User.objects.filter(username=PARTNER_USERNAME).first()
        if user is not None:
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
            self.stdout.write(
                f"Partner: the demo partner account '{PARTNER_USERNAME}' exists. "
                f"To set a new password: python manage.py changepassword {PARTNER_USERNAME}"
            )
            return None
        password = generate_password()
        user = User.objects.create_user(PARTNER_USERNAME, f"{PARTNER_USERNAME}@example.org", password)
        user.groups.add(group)
        return (
            f"Demo partner ({group.name} group: sees partners-only contacts and shelter details)",
            self._url("login", "/admin/login/?next=/directory/"),
            PARTNER_USERNAME,
            password,
        )

    # --- output --------------------------------------------------------------------------------

    def _url(self, name, fallback):
        try:
            return self.base_url + reverse(name)
        except NoReverseMatch:
            return self.base_url + fallback if fallback else None

    def _print_credentials(self, credentials):
        if not credentials:
            return
        rule = "=" * 72
        self.stdout.write(rule)
        self.stdout.write("New accounts. Note the passwords now: they are shown only once.")
        for label, url, username, password in credentials:
            self.stdout.write("")
            self.stdout.write(self.style.MIGRATE_HEADING(label))
            if url:
                self.stdout.write(f"  Log in at: {url}")
            else:
                self.stdout.write("  Log in at: (no login page found)")
            self.stdout.write(f"  Username:  {username}")
            self.stdout.write(f"  Password:  {password}")
        self.stdout.write("")
        self.stdout.write("Change a password later with: python manage.py changepassword <username>")
        self.stdout.write(rule)
