"""Issue 18.3: the students' CSV (paste or upload) is read safely, refused clearly, and exported defused."""

from __future__ import annotations

import codecs

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.classroom.loader import load_pack
from cases.classroom.students import decode_csv, parse_names
from cases.errors import ApplicationError
from cases.models import Membership

pytestmark = pytest.mark.django_db


def test_bare_cr_line_endings_are_rows():
    assert parse_names("Name\rAnna Li\rKim Ok\r") == ["Anna Li", "Kim Ok"]
    assert parse_names("Anna Li\r\nKim Ok\n") == ["Anna Li", "Kim Ok"]


def test_a_field_over_the_csv_limit_is_refused_with_a_message():
    with pytest.raises(ApplicationError, match="at most 120 characters"):
        parse_names("Anna Li\n" + "x" * 140_000 + "\n")
    with pytest.raises(ApplicationError, match="row 2"):
        parse_names('Anna Li\n"' + "y" * 140_000 + '"\n')


def test_encodings_utf8_with_and_without_bom_and_utf16_with_bom():
    names = "Name\nLi Dongshan\nKim Ok-sun\nZhāng Wénhǎi\n"
    for data in (names.encode("utf-8"), codecs.BOM_UTF8 + names.encode("utf-8"),
                 codecs.BOM_UTF16_LE + names.encode("utf-16-le"), codecs.BOM_UTF16_BE + names.encode("utf-16-be")):
        assert parse_names(decode_csv(data)) == ["Li Dongshan", "Kim Ok-sun", "Zhāng Wénhǎi"], data[:4]


def test_the_utf8_bom_is_not_part_of_the_first_name():
    assert parse_names(decode_csv(codecs.BOM_UTF8 + b"Anna Li\nKim Ok\n")) == ["Anna Li", "Kim Ok"]
    assert parse_names("\ufeffAnna Li\n") == ["Anna Li"]


@pytest.mark.parametrize("data", [
    "Zoë Müller\nJosé\n".encode("latin-1"),  # Latin-1: not UTF-8
    "Anna\nKim\n".encode("utf-16-le"),  # UTF-16 without its BOM: NULs everywhere
    bytes(range(256)) * 4,  # binary
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"Anna\x00Li\n",
])
def test_undecodable_or_binary_files_are_refused(data):
    with pytest.raises(ApplicationError, match="UTF-8"):
        decode_csv(data)


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_cells_are_refused_on_import(cell):
    with pytest.raises(ApplicationError, match="spreadsheet formula"):
        parse_names(f"Anna Li\n{cell}\n")


def test_control_characters_in_pasted_names_are_refused():
    with pytest.raises(ApplicationError):
        parse_names("Anna\x00Li\n")
    with pytest.raises(ApplicationError):
        parse_names("Anna\x1bLi\n")


@pytest.fixture
def teacher_client(client):
    user = get_user_model().objects.create_superuser("teach", "t@example.org", "pw-teach-123")
    client.force_login(user)
    return client, user


@pytest.mark.parametrize("data", [
    "Zoë\n".encode("latin-1"), bytes(range(256)), b"Anna\r" + b"x" * 140_000 + b"\r", b"=cmd|' /C calc'!A0\n",
])
def test_the_upload_refuses_bad_files_with_a_message_and_creates_nobody(teacher_client, data):
    client, user = teacher_client
    exercise = load_pack("marriage-1958", name="Class 1", actor=user)
    users = get_user_model().objects.count()
    url = reverse("classroom:students", args=[exercise.pk])
    response = client.post(url, {"csv_file": SimpleUploadedFile("names.csv", data, "text/csv")}, follow=True)
    assert response.status_code == 200
    assert get_user_model().objects.count() == users
    assert not Membership.objects.filter(exercise=exercise, is_facilitator=False).exists()
    text = response.content.decode()
    assert "not read" in text


def test_the_upload_reads_a_utf16_file_with_its_bom(teacher_client):
    client, user = teacher_client
    exercise = load_pack("marriage-1958", name="Class 1", actor=user)
    data = codecs.BOM_UTF16_LE + "Name\r\nAnna Li\r\nKim Ok\r\n".encode("utf-16-le")
    url = reverse("classroom:students", args=[exercise.pk])
    response = client.post(url, {"csv_file": SimpleUploadedFile("names.csv", data, "text/csv")})
    assert response.status_code == 302  # to the page showing the new slips
    names = sorted(m.user.get_full_name() for m in Membership.objects.filter(exercise=exercise, is_facilitator=False))
    assert names == ["Anna Li", "Kim Ok"]


def test_the_event_export_defuses_formula_cells():
    from cases.analytics.export import spreadsheet_safe

    assert spreadsheet_safe("=1+1") == "'=1+1"
    assert spreadsheet_safe("+1") == "'+1" and spreadsheet_safe("-1") == "'-1" and spreadsheet_safe("@x") == "'@x"
    assert spreadsheet_safe("\t=1") == "'\t=1"
    assert spreadsheet_safe("Anna Li") == "Anna Li" and spreadsheet_safe("") == ""


def test_the_event_csv_export_writes_a_formula_office_name_defused():
    import csv
    import datetime as dt
    import io

    from cases.analytics.export import events_csv
    from cases.analytics.log import EventRow, Log

    row = EventRow(id=1, case_id=1, case_kind="marriage", reference="MAR-1", kind="step", activity="@SUM(A1)",
                   transition="t", source_state="a", target_state="b", office='=HYPERLINK("http://x")',
                   sim_time=dt.datetime(1959, 3, 2, tzinfo=dt.UTC), rules="-MAR-1")
    out = list(csv.DictReader(io.StringIO(events_csv(Log(cases=[], events=[row], now=row.sim_time)))))
    assert out[0]["resource"] == '\'=HYPERLINK("http://x")'
    assert out[0]["activity"] == "'@SUM(A1)" and out[0]["rules"] == "'-MAR-1" and out[0]["case_id"] == "MAR-1"
