"""A URL configuration for the error-page tests: the project's URLs plus a view that fails."""

from django.http import HttpRequest, HttpResponse

from config.urls import urlpatterns as project_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret-internal-detail-42 in /work/settings.py")


from django.urls import path  # noqa: E402

urlpatterns = [path("boom/", boom), *project_urlpatterns]
