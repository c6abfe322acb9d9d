"""The student's case page: steps and the rule in short first; full rule text, data and diagram folded;
no step buttons while the exercise is paused (and the server refuses steps); a pause banner on every
admin page; a favicon; field labels that read properly."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from cases.models import CorpseCase, Exercise, MarriageCase, MeetingCase
from cases.rules import get_rule
from cases.selectors import step_options
from cases.templatetags.bd_ui import rule_short
from tests.conftest import take

pytestmark = pytest.mark.django_db


def page_of(desk, login: str, case: MarriageCase) -> str:
    client = Client()
    client.force_login(desk.user(login))
    response = client.get(reverse("admin:cases_marriagecase_change", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def folded(html: str, element_id: str) -> str:
    """Return the inside of the <details> with this id (closed unless it says open)."""
    match = re.search(rf'<details class="bd-card bd-fold"( open)? id="{element_id}">(.*?)</details>', html, re.S)
    assert match, element_id
    assert element_id == "bd-timeline" or not match.group(1), f"{element_id} should be folded"
    return match.group(2)


def zhang(desk) -> MarriageCase:
    return MarriageCase.objects.get(exercise=desk.exercise, man__name="Zhang Wenhai")


def test_case_page_opens_on_the_steps_and_the_rule_in_short(desk):
    html = page_of(desk, "workunit", zhang(desk))
    steps_at = html.index('id="bd-steps"')
    assert steps_at < html.index('id="bd-rules-full"') < html.index('id="bd-case-data"') < html.index('id="bd-diagram"')
    assert html.index('name="take_begin_dissuasion"') < html.index('id="bd-rules-full"')
    rule = get_rule("MAR-2")
    short = rule_short(rule.summary)
    assert len(short) < len(rule.summary)  # MAR-2 is long enough to be cut
    head = html[steps_at:html.index('id="bd-rules-full"')]
    assert "<code>MAR-2</code>" in head and short.replace("'", "&#x27;") in head and rule.source in head
    assert rule.summary not in head  # the full text is folded below, once
    assert rule.summary.replace("'", "&#x27;") in folded(html, "bd-rules-full")
    assert 'class="form-row' in folded(html, "bd-case-data") or "fieldset" in folded(html, "bd-case-data")
    assert 'class="bd-graphviz"' in folded(html, "bd-diagram")


def test_rule_short_keeps_the_first_sentence_within_bounds():
    assert rule_short("One. Two.") == "One."
    long = "word " * 60
    short = rule_short(long)
    assert len(short) <= 142 and short.endswith(" …")
    assert rule_short("Short rule") == "Short rule"


def test_paused_exercise_shows_no_step_buttons_and_a_banner(desk):
    case = zhang(desk)
    Exercise.objects.filter(pk=desk.exercise.pk).update(paused=True)
    html = page_of(desk, "workunit", case)
    assert 'id="bd-paused-steps"' in html and 'id="bd-paused-banner"' in html
    assert "/step/" not in html and 'name="take_' not in html
    assert "Try to dissuade him" in html  # what the office may do once it resumes is still said
    # Only the steps it could take: Zhang is ordinary staff, so neither the MAR-1 refusal nor the examination.
    after = html.split('id="bd-after-pause">', 1)[1].split("</p>", 1)[0]
    assert "Try to dissuade him" in after and "Examine the application" not in after
    assert "Refuse: restricted post" not in after


def test_server_refuses_a_step_while_paused_and_changes_nothing(desk):
    case = zhang(desk)
    Exercise.objects.filter(pk=desk.exercise.pk).update(paused=True)
    events = case.events.count()
    client = Client()
    client.force_login(desk.user("workunit"))
    url = reverse("admin:cases_marriagecase_step", args=[case.pk, "begin_dissuasion"])
    response = client.post(url, {"begin_dissuasion-note": "now"}, follow=True)
    assert response.status_code == 200
    assert "paused by the teacher" in response.content.decode()
    fresh = MarriageCase.objects.get(pk=case.pk)
    assert fresh.state == case.state and fresh.events.count() == events
    Exercise.objects.filter(pk=desk.exercise.pk).update(paused=False)
    client.post(url, {"begin_dissuasion-note": "now"})
    assert MarriageCase.objects.get(pk=case.pk).state != case.state  # the same step passes once resumed


@pytest.mark.parametrize("url_name", ["admin:index", "admin:cases_marriagecase_changelist", "classroom:inbox"])
def test_pause_banner_on_every_admin_page_only_while_paused(desk, other_desk, url_name):
    client = Client()
    client.force_login(desk.user("workunit"))
    url = reverse(url_name)
    assert 'id="bd-paused-banner"' not in client.get(url, follow=True).content.decode()
    Exercise.objects.filter(pk=other_desk.exercise.pk).update(paused=True)  # not this student's exercise
    assert 'id="bd-paused-banner"' not in client.get(url, follow=True).content.decode()
    Exercise.objects.filter(pk=desk.exercise.pk).update(paused=True)
    html = client.get(url, follow=True).content.decode()
    # One notice on every page: the banner, or on the students' inbox its live line (which clears on resuming).
    notices = [n for n in ('id="bd-paused-banner"', 'id="cr-inbox-paused"') if n in html]
    assert len(notices) == 1 and desk.exercise.name in html


def test_admin_pages_name_a_favicon_that_is_served(desk):
    client = Client()
    client.force_login(desk.user("workunit"))
    html = client.get(reverse("admin:index"), follow=True).content.decode()
    href = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', html)
    assert href and href.group(1) == "/static/cases/icons/favicon.svg"
    assert finders.find("cases/icons/favicon.svg")


def test_field_labels_spell_acronyms_in_capitals():
    assert str(MarriageCase._meta.get_field("woman_has_work_in_dprk").verbose_name) == "woman has work in the DPRK"
    lower = re.compile(r"\b(dprk|prc|ccp|psb|mfa|mps|kpa)\b")
    bad = [
        f"{m.__name__}.{f.name}: {f.verbose_name}"
        for m in apps.get_app_config("cases").get_models() for f in m._meta.fields
        if lower.search(str(f.verbose_name))
    ] + [
        f"{m.__name__}.{f.name}: {f.verbose_name}"
        for m in apps.get_app_config("permits").get_models() for f in m._meta.fields
        if lower.search(str(f.verbose_name))
    ]
    assert bad == []


def _timeline_rows(html: str) -> list[str]:
    return re.findall(r"<tr>(.*?)</tr>", folded(html, "bd-timeline").split("<tbody>")[1], re.S)


def test_mar4_the_timeline_dates_each_rule_on_the_events_own_day(desk):
    """MAR-0, MAR-4: a timeline row cites its rules as read on the event's simulated date. A pre-1958 case filed
    on 1 Sep 1958 (before D2) cites MAR-4 and MAR-0 with D2's date note, in full once and then marked; a case
    filed after D2 cites MAR-4 with no note. The case's history page says the same."""
    import datetime as dt

    from cases.services.marriage import marriage_file
    from tests.conftest import take
    from tests.desks import BEIJING

    Exercise.objects.filter(pk=desk.exercise.pk).update(clock=dt.datetime(1958, 9, 1, 9, 0, tzinfo=BEIJING),
                                                        regime="1957_lenient")
    desk.exercise.refresh_from_db()
    early = marriage_file(exercise=desk.exercise, man=desk.person("Li Dongshan"), woman=desk.person("Pak Myong-hui"),
                          work_unit=desk.office("work_unit"), actor=None, variant="pre1958")
    early = take(desk, early, "forward_to_province", "workunit")
    filed, forwarded = _timeline_rows(page_of(desk, "workunit", early))
    assert "<code>MAR-4</code>" in filed and "Dates: MAR-4 before 18 Oct 1958" in filed and "assumption" in filed
    assert "Dates: MAR-0 before 18 Oct 1958" in filed
    assert "<code>MAR-0</code>" in forwarded and "(dates: as above)" in forwarded and "Dates: MAR-0" not in \
        forwarded.split("title=")[0]

    history = Client()
    history.force_login(desk.user("workunit"))
    page = history.get(reverse("admin:cases_marriagecase_history", args=[early.pk])).content.decode()
    assert "Dates: MAR-4 before 18 Oct 1958" in page and "(dates: as above)" in page

    late_rows = _timeline_rows(page_of(desk, "workunit", zhang(desk)))
    assert "<code>MAR-4</code>" in late_rows[0] and all("Dates:" not in row for row in late_rows)


def test_the_full_rule_text_holds_every_rule_the_page_cites_the_timelines_too(desk):
    """MAR-4: the folded full rule text holds the rules the timeline cites as well as the steps' (a closed case
    has no steps left, and its page offered an empty "Full rule text ()")."""
    html = page_of(desk, "workunit", zhang(desk))
    timeline = set(re.findall(r"<code>(MAR-\d+)</code>", folded(html, "bd-timeline")))
    full = set(re.findall(r"<code>(MAR-\d+)</code>", folded(html, "bd-rules-full")))
    assert "MAR-4" in timeline and timeline <= full


def test_every_step_forms_text_inputs_are_bounded():
    """No step takes text without a limit (a megabyte of 'identity' was stored): each text input has a max length."""
    from django import forms

    from cases.admin.base import step_form_class
    from cases.engine import all_transitions, meta_of
    from cases.procedures import all_procedures
    from cases.selectors import StepOption

    checked = 0
    for procedure in all_procedures():
        for t in all_transitions(procedure.model):
            meta = meta_of(t)
            form = step_form_class(procedure.model, StepOption(name=t.name, meta=meta, office=None, allowed=True))
            for name, field in form.base_fields.items():
                if isinstance(field, forms.CharField):
                    assert field.max_length is not None, (procedure.kind, t.name, name)
                    checked += 1
    assert checked > 50


def test_a_step_with_an_overlong_text_is_refused_and_changes_nothing():
    from cases.admin.base import TEXT_MAX_LENGTH
    from cases.classroom.loader import load_pack
    from cases.classroom.students import students_create
    from cases.models import CrosserCase

    exercise = load_pack("demo", name="Long texts")
    logins = students_create(exercise=exercise, actor=None, count=12)
    case = CrosserCase.objects.filter(exercise=exercise, state="reported").exclude(next_office=None).first()
    student = next(s for s in logins if s.office.pk == case.next_office_id)
    client = Client()
    client.force_login(apps.get_model("auth", "User").objects.get(username=student.username))
    url = reverse("admin:cases_crossercase_step", args=[case.pk, "record_identity"])
    data = {"record_identity-circumstances": "Crossed the ice at night.",
            "record_identity-crossing_cause": "livelihood"}
    events = case.events.count()
    too_long = client.post(url, {**data, "record_identity-identity_details": "H" * (TEXT_MAX_LENGTH + 1)},
                           follow=True)
    assert too_long.status_code == 200
    assert f"at most {TEXT_MAX_LENGTH} characters" in too_long.content.decode()
    fresh = CrosserCase.objects.get(pk=case.pk)
    assert fresh.state == "reported" and fresh.events.count() == events and fresh.identity_details == ""
    client.post(url, {**data, "record_identity-identity_details": "H" * TEXT_MAX_LENGTH})
    assert CrosserCase.objects.get(pk=case.pk).state != "reported"  # the longest allowed passes


def test_the_case_page_tells_the_student_the_people_are_invented(desk):
    """Students see the people and local units of a pack on the case page: it says they are fictional
    (the printed debrief and the period documents said so; the page a student works on did not)."""
    html = page_of(desk, "workunit", zhang(desk))
    note = re.search(r'<p class="bd-source" id="bd-fictional">(.*?)</p>', html, re.S)
    assert note and "fictional" in note.group(1) and "unless a source names them" in note.group(1)
    assert html.index('id="bd-timeline"') < note.start()


def test_a_deadline_the_case_has_moved_past_says_it_will_lapse(desk):
    """After the DPRK side consented to a meeting, its page still called the consent deadline and the
    reminders "Pending" (the sweep marks them cancelled only when they fall due)."""
    case = MeetingCase.objects.filter(exercise=desk.exercise, state="requested").order_by("id").first()
    client = Client()
    client.force_login(desk.user("dprksafety"))
    url = reverse("admin:cases_meetingcase_change", args=[case.pk])
    before = client.get(url).content.decode()
    assert "Lapses when due" not in before and ">Pending<" in before
    take(desk, case, "consent_kp", "dprksafety")
    after = client.get(url).content.decode()
    deadlines = after[after.index("<h2 style=\"margin-top:12px\">Deadlines</h2>"):]
    assert deadlines.count("Lapses when due: the case has moved on") == case.deadlines.count() == 3
    assert ">Pending<" not in deadlines


def test_a_refused_step_comes_back_as_it_was_typed_with_the_error_beside_the_field(desk):
    """A step refused for a missing field came back empty, the error only in a banner: the student typed
    it all again. The page now keeps what was typed, once, with the error at the field."""
    user = desk.user("countypsb")
    case = CorpseCase.objects.filter(exercise=desk.exercise).order_by("id").first()
    option = next(o for o in step_options(case, user) if o.name == "record_investigation")
    assert option.enabled
    client = Client()
    client.force_login(user)
    step_url = reverse("admin:cases_corpsecase_step", args=[case.pk, option.name])
    change_url = reverse("admin:cases_corpsecase_change", args=[case.pk])
    state = case.state
    typed = "Drowned near the bridge, typed before the refusal"
    response = client.post(step_url, {f"{option.name}-cause_of_death": typed})  # the nationality finding left out
    assert response.status_code == 302 and response["Location"] == change_url
    assert CorpseCase.objects.get(pk=case.pk).state == state  # nothing changed
    html = client.get(change_url).content.decode()
    assert typed in html
    assert 'class="errorlist' in html  # beside the empty field, not only in the banner
    assert typed not in client.get(change_url).content.decode()  # once


def test_every_variant_a_step_names_has_words_for_the_case_page():
    """The case page said "procedure: cn_cn" and "procedure: inbound": every variant is named in words."""
    from cases.engine import all_transitions, meta_of
    from cases.procedures import all_procedures

    for procedure in all_procedures():
        model = procedure.model
        variants = {v for t in all_transitions(model) for v in (meta_of(t).variants or ())}
        unnamed = sorted(v for v in variants if v not in model.VARIANT_LABELS)
        assert unnamed == [], (procedure.kind, unnamed)


def test_the_case_page_names_the_variant_in_words(desk):
    case = MeetingCase.objects.filter(exercise=desk.exercise).order_by("id").first()
    client = Client()
    client.force_login(desk.user("borderrep"))
    html = client.get(reverse("admin:cases_meetingcase_change", args=[case.pk])).content.decode()
    assert f"procedure: {case.variant_label}" in html and f"procedure: {case.variant}<" not in html


def test_the_letter_list_names_the_purpose_in_words_column_and_filter(desk):
    """The authorization case list showed the purpose code "settle" in its column and its filter."""
    client = Client()
    client.force_login(desk.user("teacher"))
    page = client.get(reverse("admin:cases_authorizationcase_changelist")).content.decode()
    assert "Move to the DPRK (settle, join its construction)" in page
    assert "<td class=\"field-variant_shown\">settle</td>" not in page


def test_a_deadline_says_what_it_fires_in_words_not_the_steps_code_name(desk):
    """The Fires column read "lapse" and "remind" (a transition's and a handler's code names)."""
    case = MeetingCase.objects.filter(exercise=desk.exercise, state="requested").order_by("id").first()
    client = Client()
    client.force_login(desk.user("dprksafety"))
    page = client.get(reverse("admin:cases_meetingcase_change", args=[case.pk])).content.decode()
    fires = re.findall(r'data-label="Fires">([^<]*)<', page)
    assert fires and "A reminder to the office" in fires
    assert not any(re.fullmatch(r"[a-z_]+", f) for f in fires), fires
    clock = client.get(reverse("admin:cases_exercise_clock", args=[desk.exercise.pk]))
    assert clock.status_code in (200, 403)  # the teacher's page; a student is refused
    teacher = Client()
    teacher.force_login(desk.user("teacher"))
    rows = teacher.get(reverse("admin:cases_exercise_clock", args=[desk.exercise.pk])).content.decode()
    assert ">remind<" not in rows and ">lapse<" not in rows


def test_a_case_page_names_its_variant_in_words(desk):
    """The meeting's page read "Variant: kp_kp" (the code); it says the variant as the lists do."""
    case = MeetingCase.objects.filter(exercise=desk.exercise).order_by("id").first()
    client = Client()
    client.force_login(desk.user("teacher"))
    page = client.get(reverse("admin:cases_meetingcase_change", args=[case.pk])).content.decode()
    assert case.variant_label in page and case.variant_label != case.variant
    assert f">{case.variant}<" not in page
