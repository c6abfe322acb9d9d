"""Run the whole demo: migrate, load the demo exercise, serve web + Celery worker + beat.

``manage.py demo`` serves this computer only (http://127.0.0.1:8000/admin/); ``manage.py demo --room``
opens the class to the room (the network address, the join URL and its QR code). The web server is
waitress, static files come from whitenoise, DEBUG is off; the supervisor restarts a crashed child and
stops every child on Ctrl-C or SIGTERM; a second start on the same data folder is refused.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.classroom.packs import get_pack
from cases.serving.command import ServingCommand

TEACHER = "teacher"
DEMO_PACK = "demo"


def shared_demo_password() -> str:
    """The password the demo pack gives every fixed login (cases/scenarios/demo.yaml)."""
    return str(get_pack(DEMO_PACK).data["logins"]["password"])


def teacher_password(shared: str | None = None) -> str | None:
    """Give the demo's teacher a password of its own, once; return it (None if it already has one).

    Students share the demo pack's password; the teacher, who can act for every office and run the
    class, must not. The new password is printed once and stored only as a hash.
    """
    shared = shared_demo_password() if shared is None else shared
    user = get_user_model().objects.filter(username=TEACHER).first()
    if user is None or not (user.check_password(shared) or not user.has_usable_password()):
        return None
    password = "-".join(secrets.token_hex(3) for _ in range(3))
    user.set_password(password)
    user.save(update_fields=["password"])
    return password


class Command(ServingCommand):
    help = "Migrate, load the demo exercise, and serve it (web, Celery worker and beat); --room opens it."

    def prepare(self) -> None:
        super().prepare()
        call_command("load_demo", stdout=self.stdout)
        password = teacher_password()
        if password:
            self.stdout.write(self.style.WARNING(
                f"\nThe teacher's login: {TEACHER} / {password}\n"
                "Shown only this once: write it down. (Forgotten? python manage.py changepassword teacher)"))
        else:
            self.stdout.write(f"\nThe teacher's login: {TEACHER} with the password shown at the first start "
                              "(forgotten? python manage.py changepassword teacher).")
