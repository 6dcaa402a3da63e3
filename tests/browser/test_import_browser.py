"""An editor imports an Excel file (Windows-1250, semicolons) through the admin in Chromium."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from clusters.models import Cluster
from kkkregistry.roles import EDITORS
from tests.browser.test_admin_browser import log_in
from tests.factories import staff_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SAMPLE = Path(__file__).parent.parent / "transfer" / "samples" / "klastry-windows1250-srednik.csv"


def test_editor_imports_a_windows_1250_file_sees_the_preview_and_finds_the_clusters(
    page, screenshot
):
    log_in(page, staff_in(EDITORS))
    page.goto("/admin/clusters/cluster/")
    page.click("a.import_link")
    page.set_input_files("#id_import_file", str(SAMPLE))
    page.click("input[type=submit]")

    # The upload's job page: the worker checked the rows (at once with the tests' task
    # backend) and its preview waits there for the confirmation.
    expect(page).to_have_url(re.compile(r"/admin/clusters/cluster/import/job/\d+/$"))
    expect(page.locator(".import-job-state")).to_contain_text("czeka na potwierdzenie")
    preview = page.locator("table.import-preview")
    expect(preview).to_contain_text("Śląski Klaster Żółwi Łódzkich")
    expect(preview).to_contain_text("Klaster Ąę Przemysłu Źródlanego")
    expect(page.locator(".import-totals")).to_contain_text("2")
    screenshot(page, "admin-import-preview")
    assert not Cluster.objects.exists()  # nothing is written before confirming

    page.click("input[name=confirm]")
    # The job's page; the tests' task backend runs the job within the confirmation.
    expect(page.locator("#import-job")).to_contain_text("zakończony")
    expect(page.locator("#import-job")).to_contain_text("Nowe: 2")
    page.goto("/admin/clusters/cluster/")
    page.fill("#searchbar", "żółwi")
    page.press("#searchbar", "Enter")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("Śląski Klaster Żółwi Łódzkich")
    screenshot(page, "admin-import-done")
    assert Cluster.objects.get(name="Śląski Klaster Żółwi Łódzkich").city == "Łódź"


def test_an_invalid_file_shows_the_spreadsheet_row_and_writes_nothing(page, tmp_path):
    bad = tmp_path / "zle.csv"
    bad.write_bytes(
        "Nazwa;Rok założenia\nKlaster Dobry;2010\nKlaster Zły;dwa tysiące\n".encode("cp1250")
    )
    log_in(page, staff_in(EDITORS))
    page.goto("/admin/clusters/cluster/import/")
    page.set_input_files("#id_import_file", str(bad))
    page.click("input[type=submit]")
    errors = page.locator("table.import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("3")
    expect(errors.first).to_contain_text("dwa tysiące")
    expect(page.locator("input[name=confirm]")).to_have_count(0)
    assert not Cluster.objects.exists()
