"""/docs works on an air-gapped network: Swagger UI comes from cofab's own /static
(issue 13, defect 12; it used to load its script and stylesheet from a CDN and stayed blank)."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.browser


def test_api_docs_render_with_no_network_beyond_the_server(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []

    def only_the_server(route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if url.startswith((base_url + "/", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", only_the_server)
    answer = page.goto(f"{base_url}/docs")
    assert answer is not None and answer.status == 200
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/partners" in paths
    assert len(paths) > 20
    assert page.locator(".information-container .title").first.inner_text().startswith("cofab")
    assert outside == [], outside


def test_the_docs_page_names_only_local_assets_and_keeps_the_licence(base_url: str) -> None:
    html = httpx.get(f"{base_url}/docs").text
    assert "/static/swagger-ui-5.24.2/swagger-ui-bundle.js" in html
    assert "/static/swagger-ui-5.24.2/swagger-ui.css" in html
    assert "https://" not in html.replace("https://swagger.io", "")  # no CDN, no remote favicon
    licence = httpx.get(f"{base_url}/static/LICENSE.swagger-ui")
    assert licence.status_code == 200 and "Apache License" in licence.text
    assert httpx.get(f"{base_url}/redoc").status_code == 404  # ReDoc would need a CDN
    oauth = httpx.get(f"{base_url}/docs/oauth2-redirect")
    assert oauth.status_code == 200 and "https://" not in oauth.text.split("<script")[0]
