"""What an administrator does when a phone or passkey is lost or stolen.

    manage.py second_factor USERNAME --disable   # block: no device of the account works any more
    manage.py second_factor USERNAME --reset     # remove every device: the user enrols again
    manage.py second_factor USERNAME             # list the account's devices

Both --disable and --reset also sign the account out on all devices. A disabled account cannot
enrol a new device with its password alone (accounts/policy.py); --reset lets it.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp import devices_for_user

from accounts.sessions import end_all_sessions


class Command(BaseCommand):
    help = "List, disable or reset an account's second-factor devices (and sign it out everywhere)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--disable", action="store_true", help="make every device unusable")
        action.add_argument("--reset", action="store_true", help="delete every device (enrol again)")

    def handle(self, username, disable, reset, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named {username!r}.")
        devices = list(devices_for_user(user, confirmed=None))
        with transaction.atomic():
            for device in devices:
                kind = type(device)._meta.verbose_name
                state = "enabled" if device.confirmed else "disabled"
                if reset:
                    device.delete()
                    state = "deleted"
                elif disable and device.confirmed:
                    device.confirmed = False
                    device.save(update_fields=["confirmed"])
                    state = "disabled now"
                self.stdout.write(f"{kind}: {device.name or '-'} ({state})")
            if disable or reset:
                end_all_sessions(user)
        if not devices:
            self.stdout.write("No second-factor device.")
        if disable or reset:
            self.stdout.write(self.style.SUCCESS(f"{username} is signed out on all devices."))
