"""Staff in a real Chromium: an editor registers a cluster, a viewer can only look."""

import datetime

import pytest
from playwright.sync_api import expect

from clusters.models import Cluster, Round, StatusAward
from core.dates import today
from kkkregistry.builtin_data import load_registry_data
from kkkregistry.roles import EDITORS, VIEWERS
from tests.factories import PASSWORD, CoordinatorFactory, RoundFactory, staff_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, user):
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#registry-dashboard")).to_be_visible()


def test_editor_registers_a_cluster_with_its_coordinator_and_status(page, screenshot):
    editor = staff_in(EDITORS)
    CoordinatorFactory(name="Fundacja Wodorowa Dolina", nip="5260250274")
    CoordinatorFactory(name="Stowarzyszenie Inne")
    RoundFactory(name="Runda VII")
    certificate = today() - datetime.timedelta(days=30)
    log_in(page, editor)
    screenshot(page, "admin-dashboard")

    page.goto("/admin/clusters/cluster/add/")
    page.fill("#id_name", "Klaster Wodorowy Testowy")
    page.select_option("#id_voivodeship", "lower_silesia")

    page.click("#representations-group .add-row a")
    page.click("#representations-0 .select2-selection")
    page.fill(".select2-dropdown .select2-search__field", "Wodorowa")
    expect(page.locator(".select2-results__option")).to_have_text(["Fundacja Wodorowa Dolina"])
    page.keyboard.press("Enter")
    expect(page.locator("#representations-0 .select2-selection__rendered")).to_have_text(
        "Fundacja Wodorowa Dolina"
    )
    expect(page.locator(".select2-container--open")).to_have_count(0)

    page.click("#status_awards-group .add-row a")
    page.select_option("#id_status_awards-0-round", label="Runda VII")
    page.fill("#id_status_awards-0-certificate_date", certificate.strftime("%d.%m.%Y"))
    screenshot(page, "admin-cluster-add")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    cluster = Cluster.objects.get(name="Klaster Wodorowy Testowy")
    assert cluster.coordinator_on().name == "Fundacja Wodorowa Dolina"
    award = StatusAward.objects.get(cluster=cluster)
    assert award.valid_from == certificate  # validity filled in from the certificate

    page.goto("/admin/clusters/cluster/?status=current&voivodeship__exact=lower_silesia")
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Klaster Wodorowy Testowy")
    expect(row).to_contain_text("Fundacja Wodorowa Dolina")
    expect(row).to_contain_text("posiada status")
    screenshot(page, "admin-cluster-list-filtered")

    page.click("#result_list tbody tr th a")
    page.click("a.historylink")
    expect(page.locator("#change-history")).to_contain_text(editor.username)
    screenshot(page, "admin-cluster-history")


def test_viewer_can_look_but_not_change(page, screenshot):
    load_registry_data()
    viewer = staff_in(VIEWERS)
    log_in(page, viewer)
    screenshot(page, "admin-dashboard-viewer")

    page.goto("/admin/clusters/cluster/")
    expect(page.locator("#result_list")).to_contain_text("Evoluma")
    expect(page.locator("a.addlink")).to_have_count(0)
    expect(page.locator("select[name=action]")).to_have_count(0)
    screenshot(page, "admin-cluster-list")

    page.click("#result_list >> text=Evoluma")
    expect(page.locator("h1")).to_have_text("Zobacz klaster")
    expect(page.locator("input[name=_save]")).to_have_count(0)
    expect(page.locator("#id_name")).to_have_count(0)  # shown as text, not as a field
    expect(page.locator("#status_awards-group .add-row")).to_be_hidden()
    screenshot(page, "admin-cluster-view-only")

    renewal = Round.objects.get(slug="odnowienie-2018")
    page.goto(f"/admin/clusters/round/{renewal.pk}/change/")
    expect(page.locator(".field-figures")).to_contain_text("1")
    expect(page.locator("select[name=action]")).to_have_count(0)
    screenshot(page, "admin-round-view-only")

    page.goto("/admin/events/event/")
    expect(page.locator("#result_list")).to_contain_text("Gala")
    screenshot(page, "admin-event-list")
