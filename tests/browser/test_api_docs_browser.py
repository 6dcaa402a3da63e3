"""The API's documentation runs in a real Chromium under the site's CSP, from our own files."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_the_schema_without_a_csp_violation(page, live_server):
    messages, requests = [], []
    page.on("console", lambda message: messages.append(message.text))
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/api/v1/docs/")
    page.get_by_text("/api/v1/status/").first.wait_for()
    assert not [m for m in messages if "Content Security Policy" in m], messages
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requests)
