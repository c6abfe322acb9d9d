"""Labels the pages show: no internal keys, no lower-case "dprk"/"prc" or place names (issue 17).

Two sweeps: every verbose name, help text and choice label of the models of ``cases`` and ``permits``,
and every form label and list column header the admin renders (the teacher's view, which shows all).
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.desks import full_desk, login

pytestmark = pytest.mark.django_db

# An abbreviation not in capitals ("dprk", "Cn" as capfirst makes it), or a proper noun in lower case, as
# Django derives a label from a field name.
ABBREVIATION = re.compile(r"\b(dprk|prc|kpa|spa|psb|mfa|mps|ccp|cn|kp)\b", re.I)
LOWER_NAMES = re.compile(r"\b(beijing|pyongyang|yanji|korean|korea|chinese|china|jilin|tumen|yalu|helong|hoeryong|"
                         r"namyang|musan|changchun)\b")
SNAKE_KEY = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")  # a raw key: first_month, advance_clock, 1957_lenient
LABEL = re.compile(r"<label[^>]*>(.*?)</label>", re.S)
HEADER = re.compile(r'<th scope="col"[^>]*>.*?<div class="text">(.*?)</div>', re.S)
TAGS = re.compile(r"<[^>]+>")


def problems(text: str) -> list[str]:
    return ([a for a in ABBREVIATION.findall(text) if a != a.upper()] + LOWER_NAMES.findall(text)
            + SNAKE_KEY.findall(text))


def model_texts() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for model in apps.get_models():
        if model._meta.app_label not in ("cases", "permits"):
            continue
        out += [(model._meta.label, str(model._meta.verbose_name)),
                (model._meta.label, str(model._meta.verbose_name_plural))]
        for field in model._meta.get_fields():
            where = f"{model._meta.label}.{field.name}"
            out += [(where, str(getattr(field, "verbose_name", "") or "")),
                    (where, str(getattr(field, "help_text", "") or ""))]
            out += [(f"{where}={value}", str(label)) for value, label in getattr(field, "flatchoices", None) or []]
    return out


def test_no_model_label_help_text_or_choice_shows_a_key_or_a_lower_case_name():
    bad = [(where, text) for where, text in model_texts() if problems(text)]
    assert bad == []


def test_every_admin_form_label_and_list_header_is_written_for_people():
    full_desk()
    client = Client()
    client.force_login(login("teacher"))
    bad = []
    pages = 0
    for model in admin.site._registry:
        if model._meta.app_label not in ("cases", "permits"):
            continue
        info = model._meta.app_label, model._meta.model_name
        urls = [reverse("admin:{}_{}_changelist".format(*info))]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                continue
            pages += 1
            html = response.content.decode()
            for text in LABEL.findall(html) + HEADER.findall(html):
                text = unescape(TAGS.sub("", text)).strip()
                if problems(text):
                    bad.append((url, text))
    assert pages > 40
    assert bad == []
