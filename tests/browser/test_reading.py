"""Issue 13 in Chromium: a map people can read, on a desktop and on a phone (390×844).

Empty selections, rounds, charts, stacked zones, sources, English, search, mobile layouts,
axe-core (WCAG 2.2 AA) on every page type, keyboard paths, and the issue's "done when":
on a phone, without hovering, which cities signed the most in the latest round, how that
changed over the rounds, and the articles behind it.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import FIXTURE_DATA, Server, Watched, axe_violations

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
READY = "html[data-atlas-ready='1']"


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    w = Watched(context.new_page())
    yield w
    context.close()
    assert not w.errors, w.errors
    assert not w.dialogs, w.dialogs


def project_id(name: str) -> str:
    from geo.dataset import load_dataset

    projects = load_dataset(FIXTURE_DATA).projects
    return projects.loc[projects["name"] == name, "project_id"].iloc[0]


def no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


def ready(page):
    page.wait_for_selector(READY, state="attached", timeout=15_000)
    return page


# ---------------------------------------------------------------- done when


def test_done_when_a_phone_user_finds_the_biggest_signers_their_trend_and_the_articles(
    atlas, phone
):
    """The issue's path at 390×844, by taps only (a touch screen cannot hover)."""
    page = phone.open(f"{atlas.url}/")
    no_horizontal_overflow(page)
    page.locator(".atlas-nav a", has_text="三个一批").tap()
    page.wait_for_url(re.compile(r"metric=batch_investment"))
    ready(page)
    no_horizontal_overflow(page)
    # the map says what it shows: signed investment, latest round, by city
    title = page.locator(".atlas-map-title-text").inner_text()
    assert "签约一批" in title and "2025-02-06" in title
    # ranked beside (below, on a phone) the map: the biggest signer first, values readable
    first = page.locator(".atlas-ranked li").nth(0)
    assert "太原市" in first.inner_text() and "16.69" in first.inner_text()
    assert "长治市" in page.locator(".atlas-ranked li").nth(1).inner_text()
    assert first.locator("a").bounding_box()["height"] >= 44  # tap-friendly
    # the same values on the map itself, as labels
    labels = page.locator(".atlas-label").all_inner_texts()
    assert any("16.69" in x for x in labels) and any("9.00" in x for x in labels)
    # a tap on a unit shows its value; drilling down is a button, not the first tap
    page.locator("path.atlas-unit[data-adcode='140400']").tap()
    popup = page.locator(".atlas-unit-popup")
    popup.wait_for()
    assert "9.00 亿元" in popup.inner_text() and "level=county" not in page.url
    assert popup.locator("a.atlas-drill").is_visible()
    page.locator(".leaflet-popup-close-button").tap()
    # how it changed over the rounds: 长治 3.00 in 2024-09-20, 9.00 in 2025-02-06
    trend = page.locator(".atlas-trend table")
    heads = trend.locator("thead th").all_inner_texts()
    assert heads[1:] == ["2025-02-06", "2024-09-20"]
    changzhi = trend.locator("tbody tr", has_text="长治市").locator("td").all_inner_texts()
    assert changzhi == ["9.00", "3.00"]
    # the earlier round on the map: one tap on the round selector
    page.locator(".atlas-round-nav a", has_text="2024-09-20").tap()
    page.wait_for_url(re.compile("round=2024-09-20"))
    ready(page)
    assert "3.00" in page.locator(".atlas-ranked li").nth(0).inner_text()
    page.go_back()
    ready(page)
    # click through: the place page, its chart by round, and the articles
    page.locator(".atlas-ranked li a").nth(0).tap()
    page.wait_for_url(re.compile(r"/places/140100"))
    ready(page)
    no_horizontal_overflow(page)
    chart = page.locator(".atlas-rounds svg[data-measure='amount']")
    assert chart.locator("g.atlas-bar[data-kind='signed'] text").text_content() == "16.69"
    page.locator(".atlas-rounds details > summary").tap()
    source = page.locator(".atlas-round-table a[href='https://example.org/d2']").first
    assert source.is_visible() and "三个一批" in source.inner_text()
    no_horizontal_overflow(page)


# ---------------------------------------------------------------- points of the issue


def test_an_empty_selection_says_so_on_the_map_and_leads_to_data(atlas, watched):
    page = watched.open(f"{atlas.url}/choropleth?metric=projects&stage=completed&year=2024")
    note = page.locator(".atlas-empty-note")
    assert note.is_visible() and "此选择没有数据" in note.inner_text()
    assert page.locator(".atlas-empty").is_visible()  # and in the panel
    note.locator("a.atlas-suggestion").click()
    page.wait_for_url(re.compile("year=2025"))
    ready(page)
    assert page.locator(".atlas-empty-note").count() == 0
    assert "晋中市" in page.locator(".atlas-ranked").inner_text()
    # the form says what each option would show
    options = page.locator("#atlas-filter-form select[name=stage] option").all_inner_texts()
    assert "竣工 (1)" in options and "签约 (2)" in options and "全部阶段 (7)" in options


def test_round_selector_changes_the_map(atlas, watched):
    page = watched.open(f"{atlas.url}/choropleth?metric=batch_investment&kind=signed&lang=en")
    current = page.locator(".atlas-round-nav a[aria-current]")
    assert current.inner_text().startswith("2025-02-06")
    page.locator(".atlas-round-nav a", has_text="2024-09-20").click()
    page.wait_for_url(re.compile("round=2024-09-20"))
    ready(page)
    assert "Round 2024-09-20" in page.locator(".atlas-map-title-text").inner_text()
    units = page.evaluate(
        "Atlas.units.getLayers().filter(l => !l.options.className.includes('nodata'))"
        ".map(l => l.atlasCode)"
    )
    assert units == ["140400"]
    select = page.locator("#atlas-filter-form select[name=round]")
    assert select.input_value() == "2024-09-20"


def test_charts_show_the_right_values(atlas, watched):
    page = watched.open(f"{atlas.url}/places/140400?lang=en")
    bars = page.eval_on_selector_all(
        ".atlas-rounds svg[data-measure='amount'] g.atlas-bar",
        "gs => gs.map(g => [g.dataset.round, g.dataset.kind, g.querySelector('text').textContent])",
    )
    assert bars == [
        ["2024-09-20", "signed", "3.00"],
        ["2025-02-06", "signed", "9.00"],
        ["2025-02-06", "started", "7.00"],
        ["2025-02-06", "in_production", "4.00"],
    ]
    heights = page.eval_on_selector_all(
        ".atlas-rounds svg[data-measure='amount'] rect",
        "rs => rs.map(r => r.getBBox().height)",
    )
    assert heights[1] == pytest.approx(3 * heights[0], rel=0.02)  # 9.00 vs 3.00
    counts = page.locator(".atlas-rounds svg[data-measure='count'] g.atlas-bar text")
    assert counts.all_text_contents() == ["5", "12", "10", "8"]


def test_round_chart_embeds(atlas, watched):
    page = watched.page
    page.goto(f"{atlas.url}/embed/rounds?zone=Z001&lang=en")
    assert page.locator("svg g.atlas-bar[data-kind='started'] text").first.text_content() == "2.00"
    assert page.locator("h1").inner_text().startswith("'Three batches' by round")


def test_zones_at_one_seat_are_one_marker_and_exact_locations_look_different(
    atlas, tmp_path, browser
):
    from webmap import create_app

    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'atlas.sqlite'}",
            "DATA_DIR": FIXTURE_DATA,
            "DEFAULT_BASEMAP": "none",
            "DATA_VERSION_POLL": 0,
        }
    )
    app.extensions["atlas_repo"].set_zone_location("Z006", 113.3, 40.1, "ed", "from its website")
    # a second app on the same store starts from it: the edit is in its first read model
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'atlas.sqlite'}",
            "DATA_DIR": FIXTURE_DATA,
            "DEFAULT_BASEMAP": "none",
        }
    )
    server = Server(app)
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    w = Watched(context.new_page())
    try:
        page = w.open(f"{server.url}/")
        stack = page.evaluate(
            "Atlas.zones.getLayers().filter(l => l.atlasZones.length > 1).map(l => l.atlasZones)"
        )
        assert stack == [["Z001", "Z010"]]  # 太原经开区 and 武宿综保区 at the 小店区 seat
        # a reader searches for one of them: the seat's marker opens at that zone
        box = page.locator(".atlas-search input")
        box.fill("武宿")
        box.press("Enter")
        popup = page.locator(".atlas-seat-popup")
        popup.wait_for()
        assert page.locator(".atlas-stack .atlas-zone-stack").inner_text() == "2"
        assert "2 个开发区位于此驻地" in popup.inner_text()
        names = popup.locator("details.atlas-seat-zone summary").all_inner_texts()
        assert any("太原经济技术开发区" in n for n in names)
        assert any("太原武宿综合保税区" in n for n in names)
        assert popup.locator("details[data-zone='Z010']").get_attribute("open") is not None
        popup.locator("details.atlas-seat-zone summary").first.click()
        popup.locator("details[data-zone='Z001'] [data-atlas-loaded]").wait_for()
        assert "年产10万吨新材料项目" in popup.inner_text()
        legend = page.locator(".atlas-legend")
        assert legend.is_hidden()  # never over a popup
        page.locator(".leaflet-popup-close-button").click()
        assert "编辑标定的位置" in legend.inner_text() and "同一驻地" in legend.inner_text()
        dots = dict(
            page.evaluate(
                "Atlas.zones.getLayers().map(l => [l.atlasZone, l.options.icon.options.html"
                ".className])"
            )
        )
        assert "atlas-zone-exact" in dots["Z006"]  # the editor's point looks exact
        assert "atlas-zone-county" in dots["Z004"]  # a county seat does not
    finally:
        context.close()
        server.close()
    assert not w.errors and not w.dialogs


def test_sources_can_be_followed(atlas, watched):
    page = watched.open(f"{atlas.url}/zones/Z001")
    d1 = "a[href='https://example.org/d1']"
    cite = page.locator(".atlas-content .atlas-cite", has=page.locator(d1)).first
    link = cite.locator(d1)
    assert link.inner_text() == "山西开发区一季度项目建设综述（测试）"
    assert "山西日报（测试夹具）" in cite.inner_text() and "2025-02-07" in cite.inner_text()
    page = watched.open(f"{atlas.url}/")
    page.evaluate("Atlas.openZone('Z004')")
    sources = page.locator(".leaflet-popup-content .atlas-sources")
    sources.wait_for()
    assert "长治日报（测试夹具）" in sources.inner_text()
    assert "2024-09-20" in sources.inner_text() and "无原文链接" in sources.inner_text()
    assert "None" not in page.locator("body").inner_text()


ENGLISH_PAGES = [
    "/?lang=en",
    "/choropleth?lang=en&metric=batch_investment",
    "/choropleth?level=county&city=140100&lang=en",
    "/embed/choropleth?lang=en",
    "/embed/overview?lang=en",
    "/zones?lang=en",
    "/zones/Z001?lang=en",
    "/places/140100?lang=en",
    "/places/140000?lang=en",
    "/search?q=tai&lang=en",
    "/embed/rounds?zone=Z001&lang=en",
    "/embed?lang=en",
]
# Han characters are allowed only inside an element marked lang="zh…" (names, quotes,
# titles of Chinese documents): the page says which words are Chinese.
HAN_OUTSIDE_NAMES = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const n = walk.currentNode, p = n.parentElement;
    if (!/[\\u3400-\\u9fff]/.test(n.textContent)) continue;
    if (p.closest('script, style, noscript')) continue;
    const lang = (p.closest('[lang]') || document.documentElement).getAttribute('lang');
    if (!lang.startsWith('zh')) out.push(n.textContent.trim().slice(0, 40));
  }
  return out;
}"""


@pytest.mark.parametrize("path", ENGLISH_PAGES)
def test_english_pages_have_no_chinese_outside_names(atlas, watched, path):
    page = watched.page
    page.goto(atlas.url + path)
    if not path.startswith(("/embed?", "/zones?", "/search", "/embed/rounds")):
        ready(page)
    if path.startswith("/?"):
        page.evaluate("Atlas.openZone('Z010')")  # a seat of two zones
        page.locator(".atlas-seat-popup details[open] [data-atlas-loaded]").wait_for()
    if path.startswith("/choropleth"):  # a unit's popup, opened from the keyboard
        page.locator("path.atlas-unit").first.focus()
        page.keyboard.press("Enter")
        page.locator(".atlas-unit-popup").wait_for()
    assert page.evaluate(HAN_OUTSIDE_NAMES) == []
    assert page.locator("html").get_attribute("lang") == "en"


def test_search_by_pinyin_from_the_header_and_the_map(atlas, watched):
    page = watched.open(f"{atlas.url}/choropleth")
    page.locator(".atlas-search-form input[name=q]").fill("wusu")
    page.locator(".atlas-search-form button").click()
    page.wait_for_url(re.compile(r"/search\?q=wusu"))
    hit = page.locator(".atlas-results a").first
    assert hit.inner_text() == "太原武宿综合保税区"
    hit.click()
    page.wait_for_url(re.compile("/zones/Z010"))
    page = watched.open(f"{atlas.url}/?lang=en")
    box = page.locator(".atlas-search input")
    box.fill("Changzhi")  # no zone name holds it: the site search answers
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Changzhi"))
    results = page.locator(".atlas-results").inner_text()
    assert "Changzhi City" in results and "长治高新技术产业开发区" in results


MOBILE_PAGES = [
    "/",
    "/choropleth",
    "/choropleth?level=county&metric=investment",
    "/embed/choropleth",
    "/embed/overview",
    "/embed",
    "/zones",
    "/zones/Z001",
    "/places/140100",
    "/places/140000",
    "/search?q=tai",
    "/embed/rounds?place=140100",
    "/ogcapi/?f=html",
    "/ogcapi/collections?f=html",
    "/ogcapi/collections/counties/items?f=html&limit=20",
    "/ogcapi/collections/projects/items?f=html",
    "/ogcapi/collections/zones/items/Z001?f=html",
]


@pytest.mark.parametrize("path", MOBILE_PAGES)
def test_phone_layouts_never_overflow_sideways(atlas, phone, path):
    page = phone.page
    page.goto(atlas.url + path)
    page.wait_for_load_state("load")
    no_horizontal_overflow(page)
    header = page.locator("header.atlas-header")
    if header.count():
        assert header.bounding_box()["height"] <= 120  # was 225 of 844 px


def test_phone_map_page_header_legend_and_popup(atlas, phone):
    page = phone.open(f"{atlas.url}/choropleth?metric=batch_investment")
    assert not page.locator("details.atlas-filters").evaluate("d => d.open")  # folded
    legend = page.locator(".atlas-legend details")
    assert not legend.evaluate("d => d.open")  # folded on a phone, one tap opens it
    page.locator(".atlas-legend summary").tap()
    assert legend.evaluate("d => d.open")
    page.locator("path.atlas-unit[data-adcode='140100']").tap()
    popup = page.locator(".leaflet-popup")
    popup.wait_for()
    assert page.locator(".atlas-legend").is_hidden()  # never over a popup
    # tables scroll inside their own box
    page.locator("details.atlas-data-table > summary").tap()
    scroll = page.locator("details.atlas-data-table .atlas-scroll")
    assert scroll.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    no_horizontal_overflow(page)


def test_embed_builder_is_usable_on_a_phone(atlas, phone):
    page = phone.page
    page.goto(f"{atlas.url}/embed")
    preview = page.locator("#atlas-preview")
    box = preview.bounding_box()
    assert box["width"] >= 340 and box["height"] >= 320
    page.select_option("select[name=metric]", "projects")
    page.wait_for_function("document.getElementById('atlas-preview').src.includes('projects')")
    no_horizontal_overflow(page)


# ---------------------------------------------------------------- accessibility

AXE_PAGES = [
    "/",
    "/?lang=en",
    "/choropleth",
    "/choropleth?level=county&city=140400&metric=projects&lang=en",
    "/choropleth?metric=projects&stage=completed&year=2024",
    "/embed/overview",
    "/embed/choropleth?metric=batch_investment",
    "/embed",
    "/zones",
    "/zones?lang=en&sort=investment&order=desc",
    "/zones/Z001",
    "/places/140100?lang=en",
    "/search?q=tai",
    "/embed/rounds?place=140100",
    "/ogcapi/?f=html",
    "/ogcapi/collections/zones/items?f=html",
    "/nowhere-404",
]


@pytest.mark.parametrize("path", AXE_PAGES + ["project"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_page_type_has_no_axe_violations(atlas, browser, path, size):
    if path == "project":
        path = f"/projects/{project_id('半导体封装项目')}"
    options = PHONE if size == "phone" else {"viewport": {"width": 1280, "height": 900}}
    context = browser.new_context(bypass_csp=True, **options)
    page = context.new_page()
    page.goto(atlas.url + path)
    page.wait_for_load_state("load")
    if page.locator("script[src*='atlas.js']").count():
        page.wait_for_selector(READY, state="attached", timeout=15_000)
    violations = axe_violations(page)
    context.close()
    assert violations == [], violations


def tab_until(page, predicate: str, limit: int = 60) -> int:
    """Tab presses until ``predicate`` (JS over document.activeElement) holds."""
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate})(document.activeElement)"):
            return n
    raise AssertionError(f"not reached in {limit} Tab presses: {predicate}")


def test_keyboard_reads_units_in_ranked_order_and_drills_down(atlas, watched):
    page = watched.open(f"{atlas.url}/choropleth?metric=batch_investment&kind=signed")
    presses = tab_until(page, "el.matches('path.atlas-unit')")
    assert presses <= 30
    first = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert first.startswith("太原市") and "16.69" in first
    page.keyboard.press("Tab")
    second = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert second.startswith("长治市") and "9.00" in second
    # the focused unit is visibly marked
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    popup = page.locator(".atlas-unit-popup")
    popup.wait_for()
    assert page.evaluate("document.activeElement.classList.contains('atlas-drill')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("level=county&metric=batch_investment"))


def test_keyboard_reaches_zone_markers_and_opens_them(atlas, watched):
    page = watched.open(f"{atlas.url}/")
    presses = tab_until(page, "el.classList.contains('leaflet-marker-icon')")
    assert presses <= 30  # not through 117 county outlines
    assert page.evaluate("document.activeElement.getAttribute('title')")
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup").wait_for()


def test_map_has_a_role_and_a_name_and_the_table_is_visible(atlas, watched):
    page = watched.open(f"{atlas.url}/choropleth?lang=en")
    container = page.locator(".leaflet-container")
    assert container.get_attribute("role") == "region"
    assert container.get_attribute("aria-label").startswith("Reported project investment")
    table = page.locator("details.atlas-data-table")
    assert table.is_visible() and page.locator("noscript").count() == 0
    table.locator("summary").click()
    assert table.locator("tbody tr").count() == 11


# ---------------------------------------------------------------- the committed data

REAL_PAGES = [
    "/?lang=en",
    "/choropleth?lang=en&metric=batch_investment",
    "/choropleth?level=county&city=140700&lang=en",
    "/zones?lang=en",
    "/places/140000?lang=en",
    "/places/140700?lang=en",
    "/search?q=taigu&lang=en",
]


@pytest.fixture(scope="module")
def real_atlas():
    """The app on the committed ``data/`` (79 zones, real rounds): crowded seats and real
    names show what the small fixture cannot (markers beside clusters, merged zones)."""
    from webmap import create_app

    server = Server(create_app({"DATABASE_URL": "sqlite://", "DEFAULT_BASEMAP": "none"}))
    yield server
    server.close()


@pytest.mark.parametrize("path", REAL_PAGES)
def test_the_committed_data_reads_in_english_and_passes_axe(real_atlas, browser, path):
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(real_atlas.url + path)
    page.wait_for_load_state("load")
    if page.locator("script[src*='atlas.js']").count():
        page.wait_for_selector(READY, state="attached", timeout=15_000)
    try:
        assert page.evaluate(HAN_OUTSIDE_NAMES) == []
        assert axe_violations(page) == []
    finally:
        context.close()
