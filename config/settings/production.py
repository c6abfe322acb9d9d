"""Production settings (the compose stack): hosts from the environment, HTTPS enforced by default.

The secret key is the installation's own (base.py: generated once into the data folder, a volume in
compose) unless ``DJANGO_SECRET_KEY`` is set. A school server without TLS in front of it sets
``DJANGO_HTTPS=false`` (plain http on the school network: cookies not marked Secure, no redirect, no
HSTS); anything reachable from outside the school must sit behind HTTPS.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = False
# The health check runs inside the container against 127.0.0.1; the rest come from the environment.
ALLOWED_HOSTS = [*env.list("DJANGO_ALLOWED_HOSTS"), "127.0.0.1", "localhost"]

HTTPS = env.bool("DJANGO_HTTPS", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
# Only a secure origin honours it (base.py leaves it out for plain http, where browsers warn instead).
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin" if HTTPS else None
X_FRAME_OPTIONS = "DENY"

# collectstatic once (compose's migrate service), then compressed, hashed copies with long cache lives.
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
