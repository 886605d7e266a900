"""Editors in a real browser: log in, upload, review, correct, publish; safety; keyboard;
accessibility (axe-core, WCAG 2.2 AA)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from urllib.request import urlopen

import pytest

from tests.browser.conftest import AXE, FIXTURE_DATA, Server, axe_violations

PASSWORD = "correct horse battery"
# A project with its amount, a figure that is not one (共有项目12个: a stock, not a round)
# and an output figure that is not investment.
ARTICLE_A = (
    "太谷新闻 2月20日，太谷经开区签约总投资5亿元的华润储能项目。"
    "太谷区共有项目12个，总投资20亿元。项目建成后年产值10亿元。"
)
# A project the extractor misses: the editor adds it from the selected words.
ARTICLE_B = "3月1日，太谷区举行仪式。此外，光伏组件生产线落地太谷，计划投入8个亿。"
XSS = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
JS_URL = "javascript:alert(1)"


@pytest.fixture(scope="module")
def review_server(tmp_path_factory):
    from webmap import create_app

    folder = tmp_path_factory.mktemp("review-browser")
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'atlas.sqlite'}",
            "DATA_DIR": FIXTURE_DATA,
            "DEFAULT_BASEMAP": "none",
            "DATA_VERSION_POLL": 0,
            "WRITE_RATE_LIMIT": 1000,
        }
    )
    repo = app.extensions["atlas_repo"]
    for name, role in (("ed", "editor"), ("kb", "editor"), ("boss", "admin")):
        repo.set_password(repo.add_user(name, role), PASSWORD)
    server = Server(app)
    server.repo = repo
    server.folder = folder
    yield server
    server.close()
    repo.close()


def log_in(page, url: str, name: str = "ed") -> None:
    page.goto(f"{url}/login")
    page.fill("#login-name", name)
    page.fill("#login-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/review$"))


def ready(page) -> None:
    page.wait_for_selector("html[data-atlas-ready='1']", state="attached", timeout=15_000)


def get_json(url: str):
    with urlopen(url) as r:  # noqa: S310 - the test server on 127.0.0.1
        return json.loads(r.read())


def eventually(check, seconds: float = 5.0):
    """``check()``'s first truthy result: a worker that is still building the read model
    of the new data version serves the previous one meanwhile (webmap.live)."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def features(url: str, layer: str) -> list[dict]:
    return [f["properties"] for f in get_json(f"{url}/api/{layer}.geojson")["features"]]


def upload(page, url: str, files: list[Path], published: str | None = None) -> list[str]:
    page.goto(f"{url}/review")
    ready(page)
    page.set_input_files("#rv-files", [str(f) for f in files])
    if published:
        page.fill("input[name=published]", published)
    page.click("#rv-upload-go")
    page.wait_for_selector(f"#rv-upload-results[data-done='{len(files)}']")
    return page.eval_on_selector_all(
        "#rv-upload-results li[data-outcome]", "ls => ls.map(l => l.dataset.outcome)"
    )


def submit(page, target) -> None:
    """Click a button whose form review.js sends, and wait for the page it reloads."""
    with page.expect_navigation():
        (page.locator(target) if isinstance(target, str) else target).click()
    ready(page)


def record_key(page, kind: str, text: str) -> str:
    """The key of the record row of ``kind`` (project/figure) whose row shows ``text``."""
    rows = page.locator(f"tbody.rv-rec[data-rec^='{kind[0]}']", has_text=text)
    return rows.first.get_attribute("data-rec")


def select_text(page, words: str) -> None:
    """Select ``words`` in the article as a mouse would, then release the button."""
    page.evaluate(
        """words => {
          const root = document.getElementById('rv-text');
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode())) {
            const at = node.data.indexOf(words);
            if (at >= 0) {
              const range = document.createRange();
              range.setStart(node, at);
              range.setEnd(node, at + words.length);
              const sel = window.getSelection();
              sel.removeAllRanges();
              sel.addRange(range);
              root.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
              return;
            }
          }
          throw new Error('not in the article: ' + words);
        }""",
        words,
    )


def test_the_whole_path_from_login_to_the_public_map(review_server, watched, tmp_path):
    url, page = review_server.url, watched.page
    a, b = tmp_path / "article-a.txt", tmp_path / "article-b.txt"
    a.write_text(ARTICLE_A, encoding="utf-8")
    b.write_text(ARTICLE_B, encoding="utf-8")
    log_in(page, url)
    assert upload(page, url, [a, b], published="2025-03-10") == ["added", "added"]
    assert upload(page, url, [a]) == ["duplicate"]
    page.reload()
    assert page.locator("#rv-queue tr[data-doc='article-a.txt']").count() == 1
    assert "新上传" in page.locator("#rv-queue tr[data-doc='article-b.txt']").inner_text()

    page.goto(f"{url}/review/article-a.txt")
    ready(page)
    for kind in ("zone", "project", "amount", "figure", "fact"):
        assert page.locator(f"#rv-text mark.hl-{kind}").count() >= 1, kind
    page.locator("#rv-text mark.hl-fact").first.hover()
    assert "not investment" in page.locator("#rv-inspect").inner_text()
    project = record_key(page, "project", "华润储能项目")
    # a highlight leads to its record, a record to its highlight
    page.locator(f"#rv-text mark[data-rec='{project}']").first.click()
    assert page.evaluate("document.activeElement.id") == f"rec-{project}"
    page.locator(f"#rec-{project} a.rv-goto").click()
    assert page.evaluate("document.activeElement.id") == f"span-{project}"
    # correct a place (found by its pinyin) and an amount
    page.locator(f"#edit-{project} summary").click()
    page.fill(f"#f-{project}-place", "Yuci")
    assert "榆次区" in page.locator(f"#f-{project}-place-out").inner_text()
    page.fill(f"#f-{project}-amount", "5.5")
    page.fill(f"#f-{project}-note", "县里的通报 county notice")
    submit(page, page.locator(f"#edit-{project} button[type=submit]"))
    row = page.locator(f"#rec-{project}")
    assert "5.50 亿元" in row.inner_text() and "榆次区" in row.inner_text()
    assert "已更正" in row.inner_text()
    # reject the spurious figure
    figure = record_key(page, "batch", "12")
    submit(page, page.locator(f"#rec-{figure} button.rv-reject"))
    assert "已驳回" in page.locator(f"#rec-{figure}").inner_text()
    assert page.locator("#rv-text mark.hl-figure.hl-rejected").count() >= 1
    page.click("#rv-publish")
    page.wait_for_url(re.compile("msg=published"))
    ready(page)

    # add the missed record by selecting its words
    page.goto(f"{url}/review/article-b.txt")
    ready(page)
    select_text(page, "光伏组件生产线")
    assert page.input_value("#rv-add-quote") == "光伏组件生产线"
    start = int(page.input_value("#rv-add-start"))
    assert ARTICLE_B[start : int(page.input_value("#rv-add-end"))] == "光伏组件生产线"
    assert page.input_value("#a-p-name") == "光伏组件生产线"
    page.fill("#a-p-amount", "8")
    page.fill("#a-p-place", "140703")
    page.select_option("#a-p-stage", "signed")
    submit(page, "#rv-add-go")
    added = record_key(page, "project", "光伏组件生产线")
    assert "编辑新增" in page.locator(f"#rec-{added}").inner_text()
    page.click("#rv-publish")
    page.wait_for_url(re.compile("msg=published"))

    # the public map and the downloads show the corrected values with their spans
    props = eventually(
        lambda: {p["name"]: p for p in features(url, "projects")}
        if "光伏组件生产线" in {p["name"] for p in features(url, "projects")}
        else None
    )
    huarun = props["华润储能项目"]
    assert huarun["investment_cny"] == 550_000_000 and huarun["county_adcode"] == "140702"
    assert ARTICLE_A[huarun["span_start"] : huarun["span_end"]] == huarun["quote"]
    pv = props["光伏组件生产线"]
    assert pv["investment_cny"] == 800_000_000 and pv["county_adcode"] == "140703"
    assert ARTICLE_B[pv["span_start"] : pv["span_end"]] == "光伏组件生产线"
    assert not [b for b in features(url, "batches") if b["doc_id"] == "article-a.txt"]
    place = watched.open(f"{url}/places/140702")
    tables = place.locator(".atlas-content").inner_text()
    # cited by title (the article's first line: it came without one), not by file name
    assert "华润储能项目" in tables and "5.50" in tables and "太谷新闻 2月20日" in tables
    overview = watched.open(f"{url}/places/140703")
    assert "光伏组件生产线" in overview.locator(".atlas-content").inner_text()


def test_files_dropped_on_the_page_upload_with_progress(review_server, watched):
    url, page = review_server.url, watched.page
    log_in(page, url)
    page.evaluate(
        """texts => {
          const data = new DataTransfer();
          texts.forEach((t, i) => data.items.add(new File([t], 'dropped-' + i + '.txt',
                                                          {type: 'text/plain'})));
          const zone = document.getElementById('rv-drop');
          zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: data, bubbles: true}));
          zone.dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true}));
        }""",
        [ARTICLE_A + "（拖放一）", ARTICLE_B + "（拖放二）"],
    )
    page.click("#rv-upload-go")
    page.wait_for_selector("#rv-upload-results[data-done='2']")
    outcomes = page.eval_on_selector_all(
        "#rv-upload-results li[data-outcome]", "ls => ls.map(l => l.dataset.outcome)"
    )
    assert outcomes == ["added", "added"]
    assert page.eval_on_selector_all(
        "#rv-upload-results progress", "ps => ps.map(p => p.value)"
    ) == [
        100,
        100,
    ]
    assert review_server.repo.document("dropped-1.txt")["state"] == "new"


def test_a_form_post_without_the_csrf_token_is_refused(review_server, watched):
    url, page = review_server.url, watched.page
    log_in(page, url)
    page.goto(f"{url}/review")
    with page.expect_response(lambda r: r.url.endswith("/review/d1/state")) as answer:
        page.evaluate(
            """() => {
              const f = document.createElement('form');
              f.method = 'post';
              f.action = '/review/d1/state';
              const s = document.createElement('input');
              s.name = 'state'; s.value = 'retracted';
              f.appendChild(s);
              document.body.appendChild(f);
              f.submit();
            }"""
        )
    assert answer.value.status == 403
    page.wait_for_load_state("load")
    assert "CSRF" in page.locator("body").inner_text()
    assert review_server.repo.document("d1")["state"] == "published"
    watched.errors.clear()  # the 403 response is logged by chromium as a console error


def test_anonymous_writes_get_401_and_pages_redirect(review_server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{review_server.url}/review/d1")
    assert page.url.startswith(f"{review_server.url}/login?next=")
    status = page.evaluate(
        """() => fetch('/review/upload', {method: 'POST', body: new FormData(),
             headers: {'Accept': 'application/json'}}).then(r => r.status)"""
    )
    assert status == 401
    api = page.evaluate("() => fetch('/api/documents', {method: 'POST'}).then(r => r.status)")
    assert api == 401
    context.close()


def test_an_editor_cannot_reach_admin_pages(review_server, watched):
    url, page = review_server.url, watched.page
    log_in(page, url)
    assert page.locator("a[href='/review/admin/users']").count() == 0
    response = page.goto(f"{url}/review/admin/users")
    assert response.status == 403
    assert "admin" in page.locator("body").inner_text()
    watched.errors.clear()  # chromium logs the 403 itself


def test_hostile_names_stay_text_on_review_and_public_pages(review_server, watched, tmp_path):
    url, page = review_server.url, watched.page
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        f"2月20日，{XSS}经开区签约总投资5亿元的{SCRIPT}储能项目。{JS_URL}产业园举行仪式。",
        encoding="utf-8",
    )
    log_in(page, url)
    upload(page, url, [hostile], published="2025-03-10")
    page.goto(f"{url}/review/hostile.txt")
    ready(page)
    project = page.locator("tbody.rv-rec[data-rec^='p']").first.get_attribute("data-rec")
    page.locator(f"#edit-{project} summary").click()
    page.fill(f"#f-{project}-name", f"{SCRIPT}{JS_URL}储能项目")
    page.fill(f"#f-{project}-zone", f"{XSS}开发区")
    page.check(f"#edit-{project} input[name=new_zone]")
    page.fill(f"#f-{project}-place", "太谷")
    submit(page, page.locator(f"#edit-{project} button[type=submit]"))
    text = page.locator("body").inner_text()
    assert XSS in text and SCRIPT in text and JS_URL in text
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert (
        page.evaluate("[...document.links].filter(a => a.protocol === 'javascript:').length") == 0
    )
    page.click("#rv-publish")
    page.wait_for_url(re.compile("msg=published"))
    zone_id = eventually(
        lambda: next(
            (z["zone_id"] for z in features(url, "zones") if z["name"] == f"{XSS}开发区"), None
        )
    )
    for path in (f"/zones/{zone_id}", "/places/140703", f"/review/zones/{zone_id}"):
        shown = watched.open(url + path) if not path.startswith("/review") else page
        if path.startswith("/review"):
            page.goto(url + path)
            ready(page)
        body = shown.locator("body").inner_text()
        assert f"{XSS}开发区" in body, path
        if "places" in path:
            assert f"{SCRIPT}{JS_URL}储能项目" in body
        assert shown.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert not watched.dialogs


def tab_to(page, element_id: str, most: int = 30) -> None:
    """Press Tab until the element with this id has the focus."""
    for _ in range(most):
        if page.evaluate("document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def test_the_review_page_works_with_the_keyboard_alone(review_server, watched, tmp_path):
    url, page = review_server.url, watched.page
    repo = review_server.repo
    from geo.store.repository import NewDocument

    for text, name in ((ARTICLE_A, "keys.txt"), (ARTICLE_B, "keys-b.txt")):
        text += "\n（键盘）"  # other bytes than the other tests' articles: not a duplicate
        repo.ingest(NewDocument(text.encode(), filename=name, state="new"), actor="kb")
    keyboard = page.keyboard
    page.goto(f"{url}/login?next=/review/keys.txt")
    assert page.evaluate("document.activeElement.id") == "login-name"  # autofocus
    keyboard.type("kb")
    keyboard.press("Tab")
    keyboard.type(PASSWORD)
    keyboard.press("Enter")
    page.wait_for_url(re.compile("/review/keys.txt$"))
    ready(page)
    doc = repo.document("keys.txt")
    project = f"p{doc['projects'][0]['id']}"
    figure = f"b{doc['batches'][0]['id']}"
    order = page.evaluate("JSON.parse(document.getElementById('rv-config').textContent).records")
    keys = [r["key"] for r in order]
    # j moves to the first record (the project), a accepts it
    keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == f"rec-{keys[0]}"
    keyboard.press("a")
    page.wait_for_url(re.compile(f"#rec-{keys[0]}$"))
    ready(page)
    assert repo.mention("project", int(project[1:]))["review_state"] == "accepted"
    # back on the same record after the reload; j to the figure, r rejects it
    assert page.evaluate("document.activeElement.id") == f"rec-{keys[0]}"
    keyboard.press("j")
    keyboard.press("r")
    page.wait_for_url(re.compile(f"#rec-{figure}$"))
    ready(page)
    assert repo.mention("batch", int(figure[1:]))["review_state"] == "rejected"
    # e opens the project's edit form; correct its amount, Enter saves
    keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == f"rec-{project}"
    keyboard.press("e")
    assert page.evaluate("document.activeElement.id") == f"f-{project}-name"
    tab_to(page, f"f-{project}-amount")
    keyboard.press("Control+a")
    keyboard.type("6")
    keyboard.press("Enter")
    page.wait_for_url(re.compile(f"#rec-{project}$"))
    ready(page)
    assert repo.mention("project", int(project[1:]))["investment_cny"] == 600_000_000
    # Tab reaches the highlighted spans; focus says what the item became
    page.evaluate("document.activeElement.blur()")  # from the top of the page
    for _ in range(40):
        keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "MARK":
            break
    assert page.evaluate("document.activeElement.tagName") == "MARK"
    assert "→" in page.locator("#rv-inspect").inner_text()
    # p goes to Publish, Enter publishes
    page.evaluate("document.activeElement.blur()")
    keyboard.press("p")
    assert page.evaluate("document.activeElement.id") == "rv-publish"
    keyboard.press("Enter")
    page.wait_for_url(re.compile("msg=published"))
    assert repo.document("keys.txt")["state"] == "published"
    # adding a record without a mouse: n, type the words, fill the fields, Enter
    page.goto(f"{url}/review/keys-b.txt")
    ready(page)
    keyboard.press("n")
    assert page.evaluate("document.activeElement.id") == "rv-add-quote"
    keyboard.type("光伏组件生产线")
    tab_to(page, "a-p-amount")
    keyboard.type("8")
    keyboard.press("Enter")
    page.wait_for_url(re.compile("#rec-p"))
    names = [p["name"] for p in repo.document("keys-b.txt")["projects"]]
    assert names == ["光伏组件生产线"]


def test_the_zone_location_is_set_by_clicking_the_map(review_server, watched):
    url, page = review_server.url, watched.page
    log_in(page, url)
    page.goto(f"{url}/review/zones/Z001")
    ready(page)
    page.wait_for_selector("html[data-zone-map='1']", state="attached")
    box = page.locator("#rv-zone-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 30, box["y"] + box["height"] / 2)
    lon = float(page.input_value("#z-lon"))
    assert 110 < lon < 115 and page.input_value("#z-datum") == "wgs84"
    page.fill("#z-lnote", "园区规划图 site plan")
    page.click("#z-save-loc")
    page.wait_for_url(re.compile("msg=located"))
    zone = review_server.repo.zone("Z001")
    assert abs(zone["location_lon"] - lon) < 1e-5
    z001 = eventually(
        lambda: [z for z in features(url, "zones") if z["zone_id"] == "Z001"][0]["precision"]
        == "editor"
    )
    assert z001


# A 1×1 PNG: Gaode tiles are answered locally, the test never leaves the machine.
BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_a_click_on_the_gaode_basemap_is_stored_as_wgs84(review_server, watched):
    url, page = review_server.url, watched.page
    page.route(
        re.compile(r"https://webrd0\d\.is\.autonavi\.com/.*"),
        lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_PNG),
    )
    log_in(page, url)
    page.goto(f"{url}/review/zones/Z004?basemap=gaode")
    ready(page)
    page.wait_for_selector("html[data-zone-map='1']", state="attached")
    assert page.locator("#rv-zone-map img.leaflet-tile").count() > 0
    box = page.locator("#rv-zone-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    clicked = float(page.input_value("#z-lon")), float(page.input_value("#z-lat"))
    assert page.input_value("#z-datum") == "gcj02"
    assert "GCJ-02" in page.locator("#z-datum-note").inner_text()
    page.fill("#z-lnote", "高德地图上标定 placed on the Gaode map")
    page.click("#z-save-loc")
    page.wait_for_url(re.compile("msg=located"))
    zone = review_server.repo.zone("Z004")
    from boundaries.datum import gcj02_to_wgs84

    lon, lat = (float(v) for v in gcj02_to_wgs84(*clicked))
    assert abs(zone["location_lon"] - lon) < 1e-5 and abs(zone["location_lat"] - lat) < 1e-5
    assert 0.004 < clicked[0] - zone["location_lon"] < 0.008  # ~500 m: the datum shift


AXE_PAGES = [
    "/login",
    "/review",
    "/review/article-a.txt",
    "/review/d1",
    "/review/zones",
    "/review/zones/Z001",
    "/review/account",
    "/review/export",
    "/review/admin/users",
]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_review_pages_have_no_axe_violations(review_server, browser, path, tmp_path):
    if not AXE.exists():
        pytest.skip("axe-core not installed (make test runs npm install --prefix .npm axe-core@4)")
    repo = review_server.repo
    from geo.store.repository import NewDocument

    repo.ingest(NewDocument(ARTICLE_A.encode(), filename="article-a.txt", state="new"), "ed")
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    if path != "/login":
        log_in(page, review_server.url, "boss" if "admin" in path else "ed")
    page.goto(review_server.url + path)
    page.wait_for_load_state("load")
    violations = axe_violations(page)
    context.close()
    assert violations == [], violations
