"""Settings for the test suite: fast hashing, in-process Celery unless a test starts real workers."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = False
# MD5 for speed; the room's PBKDF2 hasher too, so generated class passwords (config/hashers.py) verify.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "config.hashers.RoomPBKDF2PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
