"""Password hashing for a room: the default for people's own passwords, fewer rounds for class ones.

Measured first: in ``bench --only classroom`` a login with Django 5.2's PBKDF2 (1,000,000 SHA-256
rounds; the teacher's) took 387 ms at the median on an idle server, most of it hashing on one core;
forty of those in one minute are about 16 s of processor on a two-core laptop, during which the pages
the students open next wait (the issue saw a login take 39 s under load). With the class hash below
the 41 logins of the 40-student run took 30 ms at the median and 67 ms at the 95th percentile.

The iteration count is there to slow down guessing of a *human-chosen* password after a database
leak. The passwords of generated class logins (cases/classroom/students.py) are not human-chosen:
10 characters drawn at random from a 31-character alphabet, about 50 bits. At 20,000 rounds one
guess costs 50 times less than at Django's default, yet trying half of 2**50 passwords still keeps
one GPU busy for decades (at a few hundred thousand PBKDF2-SHA256 guesses a second), for a login that
guards a history exercise and is thrown away after the class; a login then costs about 10 ms of
processor instead of half a second. So generated student passwords are hashed
with ``CLASS_ITERATIONS``; teachers', admins' and anything a person typed keep Django's default.

Both are ``pbkdf2_sha256`` hashes (the iteration count is stored in each hash). Django re-hashes a
password at login when its iteration count differs from the default; :class:`RoomPBKDF2PasswordHasher`
(first in ``PASSWORD_HASHERS``) leaves class hashes as they are and upgrades everything else as Django
does. A student who sets a password of their own gets the default again (``set_password``).
"""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

CLASS_ITERATIONS = 20_000


class RoomPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2 hasher, except that it does not "upgrade" generated class passwords."""

    def must_update(self, encoded: str) -> bool:
        if self.decode(encoded)["iterations"] == CLASS_ITERATIONS:
            return False
        return super().must_update(encoded)


def class_password_hash(raw: str) -> str:
    """The stored hash of a generated class password (long and random; see the module docstring)."""
    hasher = RoomPBKDF2PasswordHasher()
    hasher.iterations = CLASS_ITERATIONS
    return make_password(raw, hasher=hasher)


def is_class_hash(encoded: str) -> bool:
    algorithm, _, rest = encoded.partition("$")
    return algorithm == PBKDF2PasswordHasher.algorithm and rest.split("$", 1)[0] == str(CLASS_ITERATIONS)


class FastTestPBKDF2PasswordHasher(RoomPBKDF2PasswordHasher):
    """The test suite's hasher (config/settings/test.py only): one round, and class hashes kept as they are.

    Not MD5 first: Django re-hashes any password whose algorithm is not the preferred one at login, so a
    class hash checked under an MD5-first list would be rewritten (and the session it belonged to
    dropped), which production never does.
    """

    iterations = 1
