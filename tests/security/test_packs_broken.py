"""Issue 18.6: one bad pack file is listed as broken with its error; the others keep working; sizes bounded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cases.classroom import packs as packs_module
from cases.classroom.loader import load_pack
from cases.classroom.packs import MAX_PACK_BYTES, pack_listing
from cases.errors import ApplicationError
from cases.models import Exercise, ScenarioLoad

pytestmark = pytest.mark.django_db

SHIPPED = Path(packs_module.__file__).resolve().parent.parent / "scenarios"
MARRIAGE = (SHIPPED / "marriage-1958.yaml").read_text(encoding="utf-8")


def _bad_files() -> dict[str, bytes]:
    return {
        "schema-invalid.yaml": b"slug: 5\ntitle: x\n",
        "latin1.yaml": MARRIAGE.replace("marriage-1958", "latin-one").replace("Chinese men", "Ch\xefnese").encode(
            "latin-1", errors="replace"),
        "impossible-date.yaml": MARRIAGE.replace("marriage-1958", "bad-date").replace(
            "start: 1958-09-01", "start: 1958-02-30").encode(),
        "deep-flow.yaml": b"slug: deep\nx: " + b"[" * 5000 + b"]" * 5000 + b"\n",
        "deep-block.yaml": b"slug: deep2\n" + b"".join(b"  " * i + b"k:\n" for i in range(200)) + b"  " * 200 + b"v\n",
        "aliases.yaml": b"slug: lol\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n",
        "huge.yaml": MARRIAGE.replace("marriage-1958", "huge").encode() + b"# " + b"x" * (30 * 1024 * 1024) + b"\n",
        "not-yaml.yaml": b"slug: [unclosed\n",
        "binary.yaml": bytes(range(256)) * 8,
    }


@pytest.fixture
def scenario_dir(settings, tmp_path):
    for path in SHIPPED.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    for name, data in _bad_files().items():
        (tmp_path / name).write_bytes(data)
    settings.SCENARIO_DIR = str(tmp_path)
    return tmp_path


def test_bad_files_are_listed_broken_with_their_error_and_the_shipped_packs_still_validate(scenario_dir):
    packs, broken = pack_listing()
    assert sorted(p.path.name for p in packs) == sorted(p.name for p in SHIPPED.glob("*.yaml"))
    reasons = {b.path.name: " ".join(str(p) for p in b.problems) for b in broken}
    assert set(reasons) == set(_bad_files())
    assert "not UTF-8" in reasons["latin1.yaml"] and "not UTF-8" in reasons["binary.yaml"]
    assert "1958-02-30" in reasons["impossible-date.yaml"] and "impossible-date.yaml:" in reasons[
        "impossible-date.yaml"]
    assert "nested more than" in reasons["deep-flow.yaml"] and "nested more than" in reasons["deep-block.yaml"]
    assert "aliases" in reasons["aliases.yaml"]
    assert f"larger than {MAX_PACK_BYTES // 1024} KB" in reasons["huge.yaml"]
    assert "not valid YAML" in reasons["not-yaml.yaml"]
    assert "schema-invalid.yaml:" in reasons["schema-invalid.yaml"]


def test_the_classroom_page_loads_and_role_cards_keep_working_beside_broken_files(scenario_dir, client):
    teacher = get_user_model().objects.create_superuser("teach", "t@example.org", "pw-teach-123")
    client.force_login(teacher)
    home = client.get(reverse("classroom:home"))
    assert home.status_code == 200
    body = home.content.decode()
    assert "impossible-date.yaml" in body and "1958-02-30" in body and 'data-pack="marriage-1958"' in body
    exercise = load_pack("marriage-1958", name="Class 1", actor=teacher)
    assert client.get(reverse("classroom:role_cards", args=[exercise.pk])).status_code == 200
    assert client.get(reverse("classroom:console", args=[exercise.pk])).status_code == 200
    started = client.post(reverse("classroom:load_start"),
                          {"slug": "permits-1963", "name": "Class 2", "students": "10"})
    assert started.status_code == 302
    assert ScenarioLoad.objects.filter(slug="permits-1963", name="Class 2").exists()


@pytest.mark.parametrize("name", ["x" * 100_000, "Class\x00One", "Class\x1bOne"])
def test_exercise_names_too_long_or_with_control_characters_are_refused(client, name):
    teacher = get_user_model().objects.create_superuser("teach", "t@example.org", "pw-teach-123")
    client.force_login(teacher)
    with pytest.raises(ApplicationError, match="name"):
        load_pack("marriage-1958", name=name, actor=teacher)
    response = client.post(reverse("classroom:load_start"), {"slug": "marriage-1958", "name": name}, follow=True)
    assert response.status_code == 200
    assert not ScenarioLoad.objects.exists()
    assert not Exercise.objects.exists()
