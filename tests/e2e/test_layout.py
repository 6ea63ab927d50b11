"""The respondent layout: usable at 320px, exit control first and always in view, visible
focus, language and direction from the page's context."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from playwright.sync_api import Page

from feedback.app import create_app
from feedback.settings import Settings
from tests.e2e.servers import LiveServer

SMALL_PHONE = {"width": 320, "height": 568}
EXIT = "#exit-this-page"


@pytest.fixture
def small_page(new_page) -> Page:
    return new_page(viewport=SMALL_PHONE)


@pytest.mark.parametrize("path", ["/safety", "/s/unknown-token-xyz"])
def test_no_horizontal_scroll_at_320px(
    small_page: Page, live_server: LiveServer, path: str
) -> None:
    small_page.goto(live_server.url(path))
    overflow = small_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_exit_control_in_view_and_on_top_after_scrolling_to_the_bottom(
    small_page: Page, live_server: LiveServer
) -> None:
    small_page.goto(live_server.url("/safety"))
    small_page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert small_page.evaluate("window.scrollY") > SMALL_PHONE["height"]
    box = small_page.locator(EXIT).bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= SMALL_PHONE["height"]
    assert box["width"] >= 44 and box["height"] >= 44
    centre = [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
    on_top = small_page.evaluate(
        """([x, y]) => {
            const link = document.getElementById('exit-this-page');
            const hit = document.elementFromPoint(x, y);
            return link === hit || link.contains(hit);
        }""",
        centre,
    )
    assert on_top


def test_exit_control_comes_first_with_visible_focus(
    browser_page: Page, live_server: LiveServer
) -> None:
    browser_page.goto(live_server.url("/safety"))
    browser_page.keyboard.press("Tab")
    focused = browser_page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        const main = document.querySelector('main');
        return {id: el.id, before_main: !!(el.compareDocumentPosition(main) & 4),
                ring: style.outlineStyle !== 'none' || style.boxShadow !== 'none'};
    }""")
    assert focused == {"id": "exit-this-page", "before_main": True, "ring": True}


def render(template: str, tmp_path, **context: object) -> str:
    """Render a public template as a handler would, with the app's settings on the request."""
    settings = Settings(
        data_dir=tmp_path,
        respondent_title="Survey",
        exit_sites=("https://example.org/a", "https://example.org/b"),
    )
    app = create_app(settings)
    request = SimpleNamespace(app=app)
    return app.template_engine.get_template(template).render(request=request, **context)


def test_arabic_pages_render_right_to_left(tmp_path) -> None:
    html = render("public/error.html", tmp_path, lang="ar", status=404)
    assert '<html lang="ar" dir="rtl">' in html


def test_layout_defaults_to_english_left_to_right(tmp_path) -> None:
    html = render("public/error.html", tmp_path, status=404)
    assert '<html lang="en" dir="ltr">' in html


def test_title_and_exit_sites_come_from_settings(tmp_path) -> None:
    html = render("public/safety.html", tmp_path)
    assert "<title>Survey</title>" in html
    assert 'href="https://example.org/a"' in html
    assert 'data-exit-sites="https://example.org/a https://example.org/b"' in html


def test_childline_only_where_the_page_is_for_young_people(tmp_path) -> None:
    assert "0800 1111" not in render("public/error.html", tmp_path, status=404)
    assert "0800 1111" in render("public/error.html", tmp_path, status=404, young_people=True)
