"""One printout of the border permit: the permit admin's print link opens the classroom document (PER-7)."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from cases.classroom.documents import render_document
from tests.permits.conftest import bj


def _client(helong, login: str) -> Client:
    client = Client()
    client.force_login(helong.user(login))
    return client


def _print_links(page: str) -> tuple[str, str]:
    html = re.search(r'<a href="([^"]+)" id="bd-print-link"', page)
    pdf = re.search(r'<a href="([^"]+)" id="bd-print-pdf"', page)
    assert html and pdf, "the permit papers panel has no print links"
    return html.group(1), pdf.group(1)


def test_per7_permit_admin_print_link_and_classroom_document_are_the_same_page(helong):
    """PER-7, PER-8, PER-9, PER-2: the permit desk's "Print the permit" opens the classroom transit pass.

    Both places show one document: case reference, simulated dates, pass number, holder, validity, crossing
    point and hours, and the PER rules with their sources; the PDF comes from the same view.
    """
    case = helong.issue_pass(at=bj(1964, 9, 10, 10, 0))
    police = _client(helong, "helongpsb")
    page = police.get(reverse("admin:permits_permitcase_change", args=[case.pk])).content.decode()
    html_url, pdf_url = _print_links(page)
    document_url = reverse("classroom:document", args=[case.pk, "transit-pass"])
    assert html_url == document_url and pdf_url == document_url + "?format=pdf"
    listing = police.get(reverse("classroom:documents", args=[case.pk])).content.decode()
    assert f'href="{document_url}"' in listing
    printed = police.get(html_url).content.decode()
    assert printed == render_document(case, "transit-pass")
    for text in (case.reference, case.permit_number, case.applicant.name, "10 September 1964",
                 f"to {case.valid_through.day} {case.valid_through:%B %Y} inclusive",
                 "Nanping - Musan", "08:00", "Pyongyang", "Helong County Public Security Bureau",
                 "PER-7", "PER-8", "PER-9", "PER-12", "D10"):
        assert text in printed, text
    pdf = police.get(pdf_url)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # The old admin-only print page is gone: there is one view path.
    assert police.get(f"/admin/permits/permitcase/{case.pk}/print/").status_code in (302, 404)


def test_per7_an_official_permit_prints_under_its_own_title_from_the_same_template(helong):
    """PER-7: an official permit (several journeys, up to a year) prints through the same document view."""
    case = helong.official_permit(months=3)
    police = _client(helong, "helongpsb")
    page = police.get(reverse("admin:permits_permitcase_change", args=[case.pk])).content.decode()
    html_url, _ = _print_links(page)
    assert html_url == reverse("classroom:document", args=[case.pk, "official-permit"])
    printed = police.get(html_url).content.decode()
    assert "Official permit" in printed and "Tian Shoucheng" in printed and "1 October 1965" in printed


def test_per7_documents_page_says_when_the_pass_will_print(helong):
    """PER-7: before issue the documents page names the pass and when it prints, and links back to the case."""
    case = helong.case_of("Kim Chol-su")
    police = _client(helong, "helongpsb")
    page = police.get(reverse("classroom:documents", args=[case.pk])).content.decode()
    assert "Not printable now: Border resident transit pass" in page and "(PER-7)" in page
    assert reverse("admin:permits_permitcase_change", args=[case.pk]) in page


def test_per1_per7_before_the_protocol_the_documents_page_lists_only_the_papers_of_its_date(helong):
    """PER-1/PER-7: in 1963 the page listed D10's transit pass and official permit as "not printable now", papers
    nine months from existing; it names only PER-1's permit, which prints once the station issued it."""
    from cases.services.steps import case_transition
    from tests.permits.test_permit_dates import BEFORE_D10, resident_application

    helong.set_clock(BEFORE_D10)
    case = resident_application(helong, "Paper Of Its Date")
    station = _client(helong, "nanping")
    page = station.get(reverse("classroom:documents", args=[case.pk])).content.decode()
    assert "Not printable now: Sino-Korean Border Resident Border Crossing Permit" in page
    assert "transit pass" not in page.lower() and "Official border crossing permit" not in page
    case_transition(case=case, transition="issue_at_station", actor=helong.user("nanping"))
    page = station.get(reverse("classroom:documents", args=[case.pk])).content.decode()
    assert reverse("classroom:document", args=[case.pk, "border-permit"]) in page and "Not printable now" not in page


def test_a_1963_permit_says_which_of_its_rules_are_applied_before_their_document(helong):
    """The permit printed on 10 Sep 1963 cited PER-9 and PER-12 from the 1964 Protocol (D10) without the note
    the case page gives: before D10 they are applied as assumptions."""
    from cases.classroom.documents import render_document
    from cases.services.steps import case_transition
    from tests.permits.test_permit_dates import BEFORE_D10, resident_application

    helong.set_clock(BEFORE_D10)
    case = case_transition(case=resident_application(helong, "Printed Before The Protocol"),
                           transition="issue_at_station", actor=helong.user("nanping"))
    printed = render_document(case, "border-permit")
    assert "PER-9" in printed
    assert "Dates: " in printed and "PER-9 before 9 Jun 1964" in printed and "assumption" in printed
