"""The figure model and the general rules for real reports, each on a small text of its own.

Every money or count figure gets one type (project investment, aggregate figure with kind,
place and period, or not investment) with its evidence; places come with the method that found
them; noisy reposts (tone pinyin, mojibake, odd punctuation, flattened tables, page chrome) read
like clean text. None of these sentences is taken from the corpus.
"""

from __future__ import annotations

from datetime import date

import pytest

from geo.extract import extract
from geo.gazetteer import Gazetteer
from geo.pipeline import process_text
from geo.text import normalise

YI = 100_000_000
DAY = date(2024, 6, 1)


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.from_csv()


def run(text: str, gazetteer, day: date | None = DAY):
    return process_text(text, "t.txt", gazetteer, day)


def figures(result):
    return [
        (b["scope"], b["place"], b["kind"], b["projects"], b["investment_cny"], b["period_type"])
        for b in [*result.batches, *result.groups]  # every figure, of every period type
    ]


# --------------------------------------------------------------------------- real text


def test_tone_pinyin_after_characters_is_dropped_and_spans_stay_exact():
    text = "晉城經(jīng)濟(jì)開(kāi)發(fā)區(qū)總投資5億元的軸承項(xiàng)目開工。"
    norm = normalise(text)
    assert norm.text == "晋城经济开发区总投资5亿元的轴承项目开工。"
    start = norm.text.index("轴承项目")
    assert text[slice(*norm.span(start, start + 4))] == "軸承項(xiàng)目"
    (project,) = extract(text, DAY).projects
    assert project.investment_cny == 5 * YI and project.zone_name == "晋城经济开发区"


def test_mojibake_inside_a_known_word_is_repaired():
    assert normalise("襄垣?jīng)濟(jì)技術開發區").text == "襄垣经济技术开发区"
    assert normalise("项目总投?3亿元").text == "项目总投资3亿元"
    assert normalise("问号?在句中").text == "问号?在句中"  # no known word: left alone


@pytest.mark.parametrize(
    "text, folded",
    [
        ("签约项目10个,,总投资20亿元", "签约项目10个，总投资20亿元"),
        ("签约项目10个,、总投资20亿元", "签约项目10个，总投资20亿元"),
        ("开工项目5个﹔投产项目3个", "开工项目5个；投产项目3个"),
        ("2月28日,山西省", "2月28日，山西省"),
        ("总投资1,200万元", "总投资1,200万元"),
    ],
)
def test_odd_punctuation_is_folded(text, folded):
    assert normalise(text).text == folded


@pytest.mark.parametrize(
    "sentence, kind, count, amount",
    [
        ("5月8日，全县集中开工十二个项目，总投资5.6亿元。", "started", 12, 560_000_000),
        ("5月8日，全县签下两个合作项目，总投资2.6亿元。", "signed", 2, 260_000_000),
        ("5月8日，全县集中开工项目8项，总投资1200余万元。", "started", 8, 12_000_000),
        ("5月8日，全县集中开工项目6宗，总投资约3亿多元。", "started", 6, 300_000_000),
        ("5月8日，全县集中开工项目9个，总投资近2亿元。", "started", 9, 200_000_000),
        ("5月8日，总投资超5亿元的11个项目集中开工。", "started", 11, 500_000_000),
    ],
)
def test_counts_and_amount_forms(sentence, kind, count, amount):
    ex = extract("灵石县重点项目集中开工\n" + sentence, DAY)
    (figure,) = ex.batches
    assert (figure.kind, figure.projects, figure.investment_cny) == (kind, count, amount)
    assert figure.place == "灵石县" and figure.place_method == "article_context"


def test_flattened_table_reads_the_money_column_by_its_header():
    text = (
        "榆次区2024年“签约一批”项目清单\n"
        "序号 项目名称 建设单位 总投资（万元） 年度计划投资（万元）\n"
        "1 新能源电池壳体项目 山西晋华精工有限公司 32000 8000\n"
        "2 数控机床再制造项目 山西锐拓机械有限公司 9500 3000\n"
    )
    projects = {p.name: p for p in extract(text, DAY).projects}
    assert projects["新能源电池壳体项目"].investment_cny == 320_000_000
    assert projects["数控机床再制造项目"].investment_cny == 95_000_000
    assert projects["数控机床再制造项目"].company == "山西锐拓机械有限公司"
    assert {p.stage for p in projects.values()} == {"signed"}
    assert 80_000_000 not in {p.investment_cny for p in projects.values()}


def test_page_chrome_is_not_article_text():
    text = (
        "字号:\n当前位置: 首页 > 县区\n中国某某网 > 即时新闻 > 地方\n"
        "本篇文章533字,读完约1分钟\n"
        "3月2日，阳高县集中开工项目7个，总投资4.2亿元。\n"
        "【编辑:张三】\n关于我们 | 联系我们 | 网站地图\n[京ICP证000000号]\n"
    )
    norm = normalise(text).text
    assert norm == "3月2日，阳高县集中开工项目7个，总投资4.2亿元。"


def test_truncated_article_keeps_what_it_states():
    ex = extract("3月2日，阳高县集中开工项目7个，总投资4.2亿元。其中，总投资2亿元的陶瓷", DAY)
    assert [(b.projects, b.investment_cny) for b in ex.batches] == [(7, 420_000_000)]
    assert ex.projects == ()


# --------------------------------------------------------------------------- figure model


def test_every_amount_gets_exactly_one_type(gazetteer):
    r = run(
        "4月2日，平遥县集中签约项目6个，总投资18亿元，预计年产值30亿元。其中，总投资5亿元的"
        "牛肉深加工项目由山西冠云食品有限公司投资建设。全县今年累计完成投资7亿元，"
        "银行授信2亿元，开工率85%。",
        gazetteer,
    )
    (figure,) = r.batches
    assert (figure["kind"], figure["projects"], figure["investment_cny"]) == (
        "signed",
        6,
        18 * YI,
    )
    assert figure["output_cny"] == 30 * YI and figure["period_type"] == "round"
    assert figure["evidence"]
    (project,) = r.projects
    assert project["investment_cny"] == 5 * YI and project["county_adcode"] == "140728"
    kinds = {f["kind"] for f in r.facts}
    assert kinds == {"spend_to_date", "credit", "percentage"}
    spans = [tuple(f["span"]) for f in r.facts] + [tuple(project["amount_span"])]
    spans += [tuple(figure["amount_span"])]
    assert len(spans) == len(set(spans))


@pytest.mark.parametrize(
    "text, period",
    [
        ("3月6日，朔城区举行2024年第二次“三个一批”活动，签约项目9个，总投资20亿元。", "round"),
        ("今年以来，朔城区签约项目40个，总投资90亿元。", "ytd"),
        ("1-5月，朔城区签约项目40个，总投资90亿元。", "ytd"),
        ("2021年以来，朔城区累计签约项目120个，总投资300亿元。", "cumulative"),
        ("朔城区储备的在谈项目有35个，总投资额150亿元。", "pipeline"),
        ("朔城区重点实施的产业项目有13个，总投资32亿元。", "unspecified"),
    ],
)
def test_period_types(gazetteer, text, period):
    r = run(text, gazetteer)
    (figure,) = [*r.batches, *r.groups]
    assert figure["period_type"] == period
    summable = period in ("round", "ytd", "unspecified")
    assert (r.batches if summable else r.groups) == [figure]  # groups are never summed
    assert figure["place"] == "朔城区" and figure["adcode"] == "140602"


def test_round_period_dates():
    ex = extract("3月6日，朔城区举行2024年第二次“三个一批”活动，签约项目9个，总投资20亿元。", DAY)
    (figure,) = ex.batches
    assert (figure.date, figure.period_start, figure.period_end) == ("2024-03-06",) * 3
    assert figure.period_label == "2024年第二次"
    ex = extract("1-5月，朔城区签约项目40个，总投资90亿元。", DAY)
    assert (ex.batches[0].period_start, ex.batches[0].period_end) == ("2024-01-01", "2024-05-31")


def test_a_series_of_figures_shares_its_period():
    ex = extract(
        "去年以来，灵丘县滚动推进“三个一批”活动。\n"
        "到5月底，该县签约项目41个，总投资63亿元；开工项目35个，总投资36亿元。",
        DAY,
    )
    assert [(b.kind, b.period_type) for b in ex.batches] == [
        ("signed", "cumulative"),
        ("started", "cumulative"),
    ]


def test_parts_of_a_figure_are_not_figures():
    ex = extract(
        "5月8日，忻府区集中签约项目20个，总投资60亿元，其中亿元以上项目12个，总投资52亿元；"
        "外资项目3个，总投资9亿元。产业类15项，合计总投资规模40亿元。",
        DAY,
    )
    assert [(b.projects, b.investment_cny) for b in ex.batches] == [(20, 60 * YI)]
    parts = [f for f in ex.facts if f.kind == "investment"]
    assert {f.value_cny for f in parts} == {52 * YI, 9 * YI, 40 * YI}
    assert all(f.evidence for f in parts)


def test_a_stated_total_and_its_kinds_are_all_figures():
    ex = extract(
        "5月8日，忻州市开发区“三个一批”项目总数30个，总投资60亿元。其中：签约项目10个，"
        "总投资20亿元；开工项目12个，总投资30亿元；投产项目8个，总投资10亿元。",
        DAY,
    )
    assert [(b.kind, b.projects) for b in ex.batches] == [
        ("all", 30),
        ("signed", 10),
        ("started", 12),
        ("in_production", 8),
    ]


def test_a_list_counted_exactly_is_not_a_figure():
    ex = extract(
        "4月9日，现场签约了A光伏项目、B储能项目、C氢能项目共3个项目。"
        "全县本次集中签约、开工、投产的项目合计42个，总投资158.9亿元。",
        DAY,
    )
    assert [(b.kind, b.projects) for b in ex.batches] == [("all", 42)]


# --------------------------------------------------------------------------- places


def test_official_zone_names_with_shanxi_prefix_place_at_the_county(gazetteer):
    for name in ("山西永济经济技术开发区", "山西广灵经济技术开发区"):
        r = run(f"3月5日，{name}总投资3亿元的电机项目开工。", gazetteer)
        (zone,) = r.zones
        assert zone["precision"] == "county", name
        assert r.projects[0]["precision"] == "county"


@pytest.mark.parametrize(
    "text, adcode, method",
    [
        ("寿阳县项目建设提速\n3月2日，总投资3亿元的轴承项目开工。", "140725", "article_context"),
        ("本报讯 3月2日，祁县总投资3亿元的玻璃项目开工。", "140727", "text"),
        ("总投资3亿元的轴承项目落户灵石县。", "140729", "settled"),
        ("总投资3亿元的轴承项目选址交城县夏家营镇。", "141122", "settled"),
        ("总投资3亿元的怀仁市陶瓷项目开工。", "140681", "name"),
        (
            "全市项目观摩\n阳泉：\n总投资3亿元的轴承项目开工；总投资2亿元的阀门项目开工。",
            "140300",
            "heading",
        ),
    ],
)
def test_place_inference_says_how(gazetteer, text, adcode, method):
    r = run(text, gazetteer)
    project = r.projects[0]
    assert (project["county_adcode"] or project["city_adcode"]) == adcode
    assert project["place_method"] == method


def test_dateline_and_publisher_are_not_the_story_place(gazetteer):
    r = run("本报太原3月1日电 3月1日，大同市集中开工项目12个，总投资30亿元。", gazetteer)
    assert [b["adcode"] for b in r.batches] == ["140200"]
    r = run("临汾日报讯 我市集中签约项目8个，总投资20亿元。", gazetteer)
    assert [(b["place"], b["adcode"]) for b in r.batches] == [("临汾市", "141000")]


def test_venue_of_a_local_round(gazetteer):
    r = run(
        "2月26日，全省开发区2024年第一次“三个一批”活动举行。记者从晋城分会场了解到，"
        "当天集中开工项目20个，总投资50亿元。",
        gazetteer,
    )
    assert [(b["scope"], b["adcode"]) for b in r.batches] == [("city", "140500")]


@pytest.mark.parametrize(
    "text",
    [
        "黑龙江省大庆市大同区总投资5亿元的乳制品项目签约。",
        "本报讯 太原市举行招商引资项目集中签约仪式。新疆哈密总投资8亿元的光伏项目在太原签约。",
        "太原市重点推进项目30个。其中，大同区总投资5亿元的乳制品项目签约。",
    ],
)
def test_never_across_provinces(gazetteer, text):
    r = run(text, gazetteer)
    assert r.projects and all(p["precision"] is None for p in r.projects)
    assert all(p["unplaced_reason"] for p in r.projects)


def test_article_about_another_province_lends_no_shanxi_place(gazetteer):
    r = run("河南省郑州市项目建设提速\n3月2日，总投资3亿元的轴承项目开工。", gazetteer)
    assert r.projects[0]["precision"] is None


def test_parts_in_narrower_places_are_their_own_figures(gazetteer):
    r = run(
        "5月16日，晋中市重大项目集中开工活动在榆次区举行，全市集中开工项目68个，总投资215.6亿元。"
        "其中，榆次区开工项目12个，总投资48亿元；太谷区开工项目9个，总投资31.2亿元。",
        gazetteer,
    )
    assert [(b["adcode"], b["projects"]) for b in r.batches] == [
        ("140700", 68),
        ("140702", 12),
        ("140703", 9),
    ]


def test_counts_of_companies_land_and_status_are_not_figures(gazetteer):
    r = run(
        "今年上半年，高平经济技术开发区实现营业收入156亿元。园区新入驻企业12家，出让工业用地5宗、"
        "320亩。截至6月底，全区在建项目28个，其中亿元以上项目15个，累计完成投资26.7亿元。",
        gazetteer,
    )
    assert r.batches == [] and r.projects == []
    assert {f["kind"] for f in r.facts} == {"output", "spend_to_date"}


@pytest.mark.parametrize(
    "text, kind, count, amount",
    [
        (
            "4月8日，寿阳县举行项目集中开工仪式，开工项目总投资86.2亿元，共计21个。",
            "started",
            21,
            86.2,
        ),
        ("寿阳县重点项目巡礼\nA光伏、B储能两个项目总投资10亿元，目前已开工。", "started", 2, 10),
        ("4月8日，寿阳县集中签约项目二十三个，计划总投资108亿元。", "signed", 23, 108),
    ],
)
def test_count_and_kind_in_other_orders(gazetteer, text, kind, count, amount):
    (figure,) = run(text, gazetteer).batches
    assert (figure["kind"], figure["projects"]) == (kind, count)
    assert figure["investment_cny"] == round(amount * YI)
    assert figure["adcode"] == "140725"


def test_anaphor_binds_to_the_project_named_before():
    ex = extract(
        "5月31日，原平经济技术开发区为年产50万吨复合材料项目暨精细化工产业园项目举行开工奠基。\n"
        "据悉，这一产业园计划投资39亿元，占地约1350亩。",
        DAY,
    )
    (project,) = ex.projects
    assert project.name == "年产50万吨复合材料项目暨精细化工产业园项目"
    assert project.investment_cny == 39 * YI and project.zone_name == "原平经济技术开发区"


def test_qizhong_without_a_whole_before_it_starts_figures_of_their_own(gazetteer):
    """其中 divides a figure stated before it; with none, what follows is the figures."""
    text = (
        "2月6日上午，太原市开发区“三个一批”活动举行。其中签约一批项目30个，总投资16.69亿元；"
        "开工一批项目25个，总投资16.13亿元；投产一批项目20个，总投资15.69亿元。"
    )
    assert figures(run(text, gazetteer)) == [
        ("city", "太原市", "signed", 30, 1_669_000_000, "round"),
        ("city", "太原市", "started", 25, 1_613_000_000, "round"),
        ("city", "太原市", "in_production", 20, 1_569_000_000, "round"),
    ]
    with_whole = (
        "2月6日，太原市签约项目75个，总投资48.51亿元，其中产业类项目30个，总投资16.69亿元。"
    )
    assert [f[3] for f in figures(run(with_whole, gazetteer))] == [75]
