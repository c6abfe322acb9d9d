"""Settings for the test suite: fast hashing, in-process Celery unless a test starts real workers."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = False
# Fast hashing, with the room's rule that generated class passwords keep their own hash (config/hashers.py).
PASSWORD_HASHERS = ["config.hashers.FastTestPBKDF2PasswordHasher", "django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
