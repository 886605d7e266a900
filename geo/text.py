"""Decode article bytes and normalise newspaper text, keeping a map back to the original.

Newspaper columns arrive hard-wrapped ("总投资 48.51 亿" / "元"), letter-spaced ("和 顺 经 开 区"),
with spaces between digits and Chinese ("2 月 6 日"), in traditional characters or full-width
digits ("３６．５亿元"), sometimes as HTML, and with page furniture (captions, "（上接 A1 版）").
:func:`normalise` turns that into one paragraph per line of simplified Chinese with ASCII digits,
and :meth:`Normalised.span` maps any normalised span back to the exact original characters.

Every normalised character comes from exactly one original character: either unchanged, or its
simplified / half-width form (1:1), or - for HTML entities and inserted paragraph breaks - the
first character of the source it replaces. That is what keeps spans exact.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter

from geo.errors import InputError

MAX_BYTES = 10 * 1024 * 1024
"""Largest accepted document in bytes (10 MiB). Larger inputs are refused with InputError."""

_CONTROL_SHARE = 0.01  # more than 1% control characters: not an article but binary data


# --------------------------------------------------------------------------- decoding


def decode_bytes(raw: bytes) -> str:
    """Decode an article: UTF-8 (BOM optional), UTF-16 with BOM, else GB18030 (a GBK superset).

    Raises InputError for documents that are empty, too large, binary or undecodable.
    """
    if len(raw) > MAX_BYTES:
        raise InputError(
            f"document is {len(raw) / 2**20:.1f} MB, larger than the "
            f"{MAX_BYTES // 2**20} MB limit for one article"
        )
    if not raw.strip():
        raise InputError("document is empty (no text)")
    text = _decode(raw)
    if not text.strip():
        raise InputError("document is empty (whitespace only)")
    controls = sum(1 for ch in text if _is_control(ch))
    if "\x00" in text or controls > max(2, _CONTROL_SHARE * len(text)):
        raise InputError("document looks binary (NUL or control characters), not text")
    return text


def _decode(raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"document has a UTF-16 BOM but is not UTF-16: {exc}") from None
    if b"\x00" in raw:
        raise InputError("document looks binary (contains NUL bytes), not text")
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    # UTF-8 first: a valid UTF-8 Chinese text is almost never valid GB18030 by accident.
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("document is neither UTF-8 nor GBK/GB18030 text (undecodable bytes)")


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return (code < 32 and ch not in "\t\n\r\f\v") or 0x7F <= code < 0xA0


# --------------------------------------------------------------------------- result type


@dataclass(frozen=True)
class Normalised:
    """Normalised text plus the map back to the original.

    ``starts[i]`` is the index in the original of the character that produced ``text[i]``;
    ``wide`` records the few sources longer than one character (HTML entities) by start.
    """

    text: str
    starts: tuple[int, ...] = field(repr=False)
    wide: dict[int, int] = field(default_factory=dict, repr=False, compare=False)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span [start, end) to original character offsets [s, e)."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) outside 0..{len(self.text)}")
        if start == end:
            pos = self.starts[start] if start < len(self.starts) else self._length
            return pos, pos
        first = self.starts[start]
        last = self.starts[end - 1]
        return first, self.wide.get(last, last + 1)

    @property
    def _length(self) -> int:
        return (self.starts[-1] + 1) if self.starts else 0


# --------------------------------------------------------------------------- character maps

# Half-width forms only where they matter for numbers and codes; Chinese punctuation stays.
_HALF_WIDTH = {0xFF10 + i: 0x30 + i for i in range(10)}
_HALF_WIDTH.update({0xFF21 + i: 0x41 + i for i in range(26)})
_HALF_WIDTH.update({0xFF41 + i: 0x61 + i for i in range(26)})
_HALF_WIDTH.update({ord(a): ord(b) for a, b in zip("．％＋－／﹒", ".%+-/.", strict=True)})
_HALF_WIDTH.update({0x3000: 0x20, 0xA0: 0x20, 0x09: 0x20, 0x0B: 0x20, 0x0C: 0x20, 0x2002: 0x20})
_HALF_WIDTH.update({0x2003: 0x20, 0x2009: 0x20, 0x202F: 0x20, 0x0D: 0x0A})
_HALF_WIDTH.update({0x200B: 0x20, 0xFEFF: 0x20, 0x2028: 0x0A, 0x2029: 0x0A})


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> simplified, length-preserving (per-line, then per-char fallback)."""
    conv = _converter().convert
    out = conv(text)
    if len(out) == len(text):
        return out
    lines = []
    for line in text.split("\n"):
        simple = conv(line)
        if len(simple) != len(line):  # a phrase changed length: convert one char at a time
            simple = "".join(c if len(c := conv(ch)) == 1 else ch for ch in line)
        lines.append(simple)
    return "\n".join(lines)


# --------------------------------------------------------------------------- HTML

# HTML is stripped by one left-to-right scan. Scripts, styles and comments run to their
# closing tag; an unclosed one is not a token (a ``<script>`` with no ``</script>`` is then
# an ordinary tag, an unclosed ``<!--`` literal text), exactly as the old single regex
# ``<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->|</?[A-Za-z][^<>]{0,2000}>|&#?\w{1,8};``
# matched, but in linear time: that regex rescanned to the end of the text for every
# unclosed tag (quadratic). Here every "where is the next X" search is remembered, so no
# stretch of text is scanned twice for the same X.
_CANDIDATE = re.compile(r"[<&]")
_RAW_OPEN = re.compile(r"<(script|style)\b", re.I)
_RAW_CLOSE = {name: re.compile(rf"</{name}\s*>", re.I) for name in ("script", "style")}
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,2000}>")
_ENTITY = re.compile(r"&#?[0-9A-Za-z]{1,8};")
_BLOCK_TAG = re.compile(r"</?(p|br|div|li|tr|h[1-6]|section|article|table|ul|ol)\b", re.I)
_ENTITIES = {"nbsp": " ", "amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


class _NextFinder:
    """``find(pos)``: start and end of the first match of a pattern at or after ``pos``.

    Positions only move forward, so a remembered match (or "none to the end") answers
    every later call until ``pos`` passes it: each character is searched at most once.
    """

    def __init__(self, text: str, pattern: re.Pattern | str):
        self.text, self.pattern = text, pattern
        self.start = self.end = -1  # the remembered match; start == -2: none after `since`
        self.since = 0

    def find(self, pos: int) -> tuple[int, int] | None:
        if self.start == -2 and pos >= self.since:
            return None
        if self.start < pos:
            if isinstance(self.pattern, str):
                i = self.text.find(self.pattern, pos)
                found = (i, i + len(self.pattern)) if i >= 0 else None
            else:
                mo = self.pattern.search(self.text, pos)
                found = mo.span() if mo else None
            if found is None:
                self.start, self.since = -2, pos
                return None
            self.start, self.end = found
        return self.start, self.end


def _html_tokens(text: str):
    """``(start, end)`` of every tag, script/style block, comment and entity, in order."""
    comment_end = _NextFinder(text, "-->")
    tag_end = _NextFinder(text, ">")
    raw_end = {name: _NextFinder(text, rx) for name, rx in _RAW_CLOSE.items()}
    pos, n = 0, len(text)
    while pos < n:
        mo = _CANDIDATE.search(text, pos)
        if mo is None:
            return
        i = mo.start()
        end = None
        if text[i] == "&":
            m = _ENTITY.match(text, i)
            end = m.end() if m else None
        else:
            raw = _RAW_OPEN.match(text, i)
            if raw is not None:
                head = tag_end.find(raw.end())
                if head is not None:
                    close = raw_end[raw.group(1).lower()].find(head[1])
                    if close is not None:
                        end = close[1]
            if end is None and text.startswith("<!--", i):
                close = comment_end.find(i + 4)
                if close is not None:
                    end = close[1]
            if end is None:
                m = _TAG.match(text, i)
                end = m.end() if m else None
        if end is None:
            pos = i + 1
        else:
            yield i, end
            pos = end


def _strip_html(text: str) -> tuple[str, list[int] | None, dict[int, int]]:
    """Drop tags, scripts, styles and comments; decode common entities. Returns text, map, wide."""
    if "<" not in text and "&" not in text:
        return text, None, {}
    out: list[str] = []
    starts: list[int] = []
    wide: dict[int, int] = {}
    pos = 0
    for s, e in _html_tokens(text):
        out.append(text[pos:s])
        starts.extend(range(pos, s))
        token = text[s:e]
        if token.startswith("&"):
            repl = _entity(token)
        elif _BLOCK_TAG.match(token):
            repl = "\n"  # </p>, <br>: a paragraph break
        else:
            repl = ""
        if repl:
            out.append(repl)
            starts.append(s)
            wide[s] = e
        pos = e
    out.append(text[pos:])
    starts.extend(range(pos, len(text)))
    return "".join(out), starts, wide


def _entity(token: str) -> str:
    name = token[1:-1]
    if name.startswith("#"):
        try:
            code = int(name[2:], 16) if name[1:2] in "xX" else int(name[1:])
            return chr(code) if 0 < code < 0x110000 else " "
        except ValueError:
            return token[0]
    return _ENTITIES.get(name.lower(), token[0])


# --------------------------------------------------------------------------- lines

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_PUNCT = set("，。、；：？！“”‘’（）《》〈〉【】「」『』…—·")
# Line-end tests look at the last characters only: a ``[...]+$`` regex search backtracks
# through a long run of such characters at every position of the run (quadratic).
_TERMINAL_CHARS, _CLOSERS = "。！？!?…", "”’」』）)"
_JOIN_END_CHARS = "，、；“‘《（(〈【—-"
_NUMBER_END_CHARS = "0123456789.亿万千百十"


def _terminal(line: str) -> bool:
    """Does the line end a sentence (terminal punctuation, then closing quotes/brackets)?"""
    return line.rstrip(_CLOSERS)[-1:] in tuple(_TERMINAL_CHARS)


_NUMBER_START = re.compile(r"^[0-9.亿万千元%]")
_BYLINE_END = re.compile(r"[。！？”]\s+[\u4e00-\u9fff]{2,3}(\s+[\u4e00-\u9fff]{2,3})*$")
_NAMES = re.compile(r"^[\u4e00-\u9fff]{2,3}(\s+[\u4e00-\u9fff]{2,3})+$")  # 罗文平 张小菊
_SOURCE_LINE = re.compile(r"(?:来源|发布时间|发布日期|作者|编辑)[:：]|\d{1,2}:\d{2}(?::\d{2})?$")
_HEADING = re.compile(r"^[\u4e00-\u9fff]{2,8}[：:]$")
_DATELINE = re.compile(r"^.{0,12}?(报|社|网|台|刊)(讯|电)|^(本报|新华社|央视)")


# Page furniture: captions, bylines, jump lines, editor credits, site chrome. Matched on a whole
# line; the patterns are data (geo/rules/page_furniture.csv, one example line each).
@cache
def _furniture() -> re.Pattern[str]:
    from geo.rules import words

    return re.compile(
        "^(?:" + "|".join(f"(?:{p})" for p in words("page_furniture", "pattern")) + ")"
    )


def _width(line: str) -> float:
    """Printed width in em: CJK characters 1, ASCII 0.5, spaces ignored."""
    return sum(0.5 if ord(c) < 0x2000 else 1.0 for c in line if c != " ")


def _is_furniture(line: str) -> bool:
    return len(line) <= 200 and _furniture().match(line) is not None


def _squeeze_spaces(line: str, offset: int, out: list[str], starts: list[int]) -> None:
    """Append the line with layout spaces removed; keep one space between two CJK words.

    A space goes when one side is a digit/Latin and the other Chinese ("36 亿元"), when it touches
    Chinese punctuation, or when the text is letter-spaced (a one-character word on either side,
    "和 顺 经 开 区"); between two Chinese words of 2+ characters it stays as a separator.
    """
    pos = 0
    n = len(line)
    for mo in re.finditer(r" +", line):
        s, e = mo.span()
        out.append(line[pos:s])
        starts.extend(range(offset + pos, offset + s))
        left, right = line[s - 1], line[e] if e < n else ""
        keep = False
        if _CJK_CHAR.match(left) and right and _CJK_CHAR.match(right):
            left_word = s >= 2 and _CJK_CHAR.match(line[s - 2]) is not None
            right_word = e + 1 < n and _CJK_CHAR.match(line[e + 1]) is not None
            keep = left_word and right_word
        elif left.isascii() and right.isascii() and left != " ":
            keep = True
        if keep:
            out.append(" ")
            starts.append(offset + s)
        pos = e
    out.append(line[pos:])
    starts.extend(range(offset + pos, offset + n))


def _join_lines(text: str) -> tuple[str, list[int]]:
    """Rejoin hard-wrapped lines into paragraphs (one per output line); drop page furniture."""
    lines: list[tuple[int, str]] = []
    for mo in re.finditer(r"[^\n]+", text):
        raw = mo.group(0)
        stripped = raw.strip(" ")
        if stripped:
            lines.append((mo.start() + raw.index(stripped[0]), stripped))
    kept: list[tuple[int, str]] = []
    after_furniture: set[int] = set()  # a dropped line always ends the paragraph before it
    for pos, line in lines:
        if _is_furniture(line):
            after_furniture.add(len(kept) - 1)
        else:
            kept.append((pos, line))
    widths = [_width(line) for _, line in kept]
    out: list[str] = []
    starts: list[int] = []
    rows = table_rows([line for _, line in kept])
    for i, (pos, line) in enumerate(kept):
        if i in rows:
            _table_row(line, pos, out, starts)
        else:
            _squeeze_spaces(line, pos, out, starts)
        if i + 1 == len(kept):
            break
        if i in after_furniture or i in rows or i + 1 in rows or not _joins(kept, widths, i):
            out.append("\n")
            starts.append(pos + len(line))  # the first character after the line (a newline)
    return "".join(out), starts


# A table flattened into text: a header "序号 项目名称 建设单位 总投资（亿元）" (three or more
# space-separated fields, one naming 项目/名称, one a money column with its unit) and the rows
# after it with as many fields ("1 年产2GW电池片项目 山西潞安公司 15.2 6").
_FIELD_SPLIT = re.compile(r"[ \t\u3000]{1,}")


def _fields(line: str) -> list[str]:
    return [f for f in _FIELD_SPLIT.split(line.strip()) if f]


def is_table_header(line: str) -> bool:
    fields = _fields(line)
    if len(fields) < 3 or len(line) > 200 or re.search(r"[。，！？；]", line):
        return False
    return any(re.search(r"项目|名称", f) for f in fields) and any(
        re.search(r"[（(](?:亿元|万元)[)）]$", f) for f in fields
    )


def table_rows(lines: list[str]) -> set[int]:
    """Indices of table header and row lines."""
    found: set[int] = set()
    i = 0
    while i < len(lines):
        if not is_table_header(lines[i]):
            i += 1
            continue
        width = len(_fields(lines[i]))
        found.add(i)
        i += 1
        while i < len(lines) and len(_fields(lines[i])) == width:
            found.add(i)
            i += 1
    return found


def _table_row(line: str, offset: int, out: list[str], starts: list[int]) -> None:
    """A table row keeps one space between its fields (the columns are its meaning)."""
    pos = 0
    for mo in _FIELD_SPLIT.finditer(line):
        out.append(line[pos : mo.start()])
        starts.extend(range(offset + pos, offset + mo.start()))
        out.append(" ")
        starts.append(offset + mo.start())
        pos = mo.end()
    out.append(line[pos:])
    starts.extend(range(offset + pos, offset + len(line)))


def _joins(kept: list[tuple[int, str]], widths: list[float], i: int) -> bool:
    """Is the break after line i a hard wrap inside a paragraph (True) or a paragraph end?"""
    line, nxt = kept[i][1], kept[i + 1][1]
    if _DATELINE.match(nxt) or nxt.startswith(("——", "—— ", "（上接", "(上接")):
        return False
    if line[-1:] in tuple(_JOIN_END_CHARS):
        return True
    if _SOURCE_LINE.search(line):
        return False  # "来源：… 发布时间：2020-03-19 21:52" is a line of its own
    if line[-1:] in tuple(_NUMBER_END_CHARS) and _NUMBER_START.match(nxt):
        return True  # "总投资 48.51 亿" / "元"
    if _BYLINE_END.search(line) or _NAMES.match(line) or _HEADING.match(nxt):
        return False  # "...情况进展。 郭强" / "吕梁："
    # Full if about as wide as a neighbour: columns change width around pictures, and the
    # first line of a paragraph is indented, so compare with each neighbour separately.
    prev_w = widths[i - 1] if i > 0 else 0.0
    full_column = any(
        0 < w <= 48 and 0.75 * w <= widths[i] <= 1.35 * w for w in (prev_w, widths[i + 1])
    )
    if _terminal(line):
        # A full column line that happens to end a sentence: as wide as the wrapped (not
        # sentence-final) line before it. Short one-sentence paragraphs of similar width
        # (web text with blank lines between paragraphs) stay apart.
        prev = kept[i - 1][1] if i > 0 else ""
        return (
            full_column
            and bool(prev)
            and not _terminal(prev)
            and 0.85 * prev_w <= widths[i] <= 1.15 * prev_w
        )
    # No closing punctuation: a wrapped line if it is full, else a heading, byline or title.
    return full_column or widths[i] >= 40


# --------------------------------------------------------------------------- pipeline


def normalise(text: str) -> Normalised:
    """Normalise article text; see the module docstring. Never raises on odd text."""
    stripped, html_map, wide = _strip_html(text)
    simple = to_simplified(stripped.translate(_HALF_WIDTH))
    cleaned, noise_map = clean_noise(simple)
    joined, line_map = _join_lines(cleaned)
    if noise_map is not None and line_map:
        line_map = _compose(noise_map, line_map)
    if html_map is not None and line_map:
        line_map = _compose(html_map, line_map)
    return Normalised(joined, tuple(line_map), wide)


# --------------------------------------------------------------------------- reposting noise

# Tone pinyin that some reposting sites print after characters: 開(kāi)發(fā)區(qū). A syllable
# needs a tone mark or ü, so that (MW), (一期) or (a) are never taken for one.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_PINYIN = re.compile(
    rf"(?<=[{_CJK}?\ufffd])[(（](?=[a-z{_TONED}]*[{_TONED}])[a-z{_TONED}]{{1,7}}[)）]"
    rf"|(?<=[?\ufffd])(?=[a-z{_TONED}]*[{_TONED}])[a-z{_TONED}]{{1,7}}[)）]"  # "?jīng)": "(" lost
)
# Doubled or odd punctuation: ",," ",、" "，，" become one "，"; "﹔" is "；".
_PUNCT_RUN = re.compile(r"[,，][,，、]+|、[,，]+")
# ASCII punctuation between Chinese text takes its Chinese form (1:1): "2月28日,山西".
_ASCII_PUNCT = re.compile(rf"(?<=[{_CJK}）”0-9%])([,:;(])(?=[{_CJK}“（])|(?<=[{_CJK}])\)")
_ASCII_TO_CJK = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}


@cache
def _repair_words() -> tuple[dict[str, list[tuple[str, int]]], re.Pattern[str]]:
    """Words whose one unreadable character ('?' or U+FFFD, mojibake) can be restored."""
    from geo.rules import rows

    words = [r["word"] for r in rows("repair_words")]
    index: dict[str, list[tuple[str, int]]] = {}
    for word in words:
        for i in range(len(word)):
            index.setdefault(word[:i] + "?" + word[i + 1 :], []).append((word, i))
    return index, re.compile(r"[?\ufffd]")


def repair_mojibake(text: str) -> str:
    """Restore a character lost to mojibake inside a known word: "?济技术开发区" is
    "经济技术开发区". Length-preserving; a '?' that fits no known word, or fits two, stays."""
    index, mark = _repair_words()
    if "?" not in text and "\ufffd" not in text:
        return text
    chars = list(text)
    for mo in mark.finditer(text):
        pos = mo.start()
        found = set()
        for key, spots in index.items():
            for word, i in spots:
                start = pos - i
                if start < 0 or start + len(word) > len(text):
                    continue
                window = text[start:pos] + "?" + text[pos + 1 : start + len(word)]
                if window == key:
                    found.add(word[i])
        if len(found) == 1:
            chars[pos] = found.pop()
    return "".join(chars)


def clean_noise(text: str) -> tuple[str, list[int] | None]:
    """Drop tone pinyin, fold doubled punctuation, give ASCII punctuation between Chinese its
    Chinese form and repair mojibake in known words. Returns the text and its map (or None)."""
    starts: list[int] | None = None
    if _PINYIN.search(text) is not None or _PUNCT_RUN.search(text) is not None:
        out: list[str] = []
        starts = []
        pos = 0
        found = sorted([*_PINYIN.finditer(text), *_PUNCT_RUN.finditer(text)], key=_start)
        for mo in found:
            s, e = mo.span()
            if s < pos:
                continue
            out.append(text[pos:s])
            starts.extend(range(pos, s))
            if mo.re is _PUNCT_RUN:
                out.append("，")
                starts.append(s)
            pos = e
        out.append(text[pos:])
        starts.extend(range(pos, len(text)))
        text = "".join(out)
    text = repair_mojibake(text.replace("﹔", "；"))
    text = _ASCII_PUNCT.sub(lambda m: _ASCII_TO_CJK[m.group(0)], text)
    return text, starts


def _start(mo: re.Match) -> int:
    return mo.start()


def _compose(outer: list[int], inner: list[int]) -> list[int]:
    """outer[inner[i]] for all i, at C speed."""
    if len(inner) == 1:
        return [outer[inner[0]]]
    return list(itemgetter(*inner)(outer))
