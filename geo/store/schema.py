"""The one schema: store tables, and from them the CSV columns, downloads and queryables.

Each column says, in ``info``, where else it appears:

- ``csv``: a column of the ``data/`` snapshot file of its table (``sxmap export``);
- ``public``: a property of downloads and OGC features (canonical tables only);
- ``queryable``: an OGC API query parameter, with its description (and ``enum``).

Two levels of records. A *mention* is what one document says (``project_mentions``,
``batch_mentions``: a span, a review state); the *canonical* tables (``projects``,
``batches``) hold one row per real project or figure, merged from the live mentions of
every published document (:mod:`geo.store.merge`), so a figure reported by two articles
is one figure with two sources and is never summed twice.

Money is integer CNY, adcodes 6-digit text, points WGS-84 (EPSG:4326). Dates from
articles are ISO text at the precision the text gives ("2025", "2025-10", "2025-10-08");
a document's own dates are real dates.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
)

from geo import extract_batches
from geo.store.geometry import Geometry

metadata = MetaData()

STAGES = ("signed", "started", "under_construction", "in_production", "completed")
BATCH_KINDS = ("signed", "started", "in_production", "all")
SCOPES = ("province", "city", "county", "zone")
PERIOD_TYPES = extract_batches.PERIOD_TYPES  # the figure model's own list
ZONE_TYPES = (
    "etdz",
    "econ_dev",
    "hitech",
    "reform_demo",
    "agri_hitech",
    "modern_agri",
    "eco_tourism",
    "bonded",
    "cluster",
    "industrial_park",
    "specialty_town",
    "other",
)
ZONE_LEVELS = ("national", "provincial")
PRECISIONS = ("county", "city", "province", "editor")
DOCUMENT_STATES = ("new", "in_review", "published", "retracted")
# extracted: as the extractor left it; accepted/corrected: reviewed; rejected: hidden from
# the public, kept; added: created by an editor from a selected span.
REVIEW_STATES = ("extracted", "accepted", "corrected", "rejected", "added")
ROLES = ("reader", "editor", "admin")
BATCH_STATUSES = ("ok", "conflict", "picked", "range")
RESOLUTIONS = ("pick", "range")
ADCODE = r"^14\d{4}$"


def c(name, type_, *args, csv=True, public=False, queryable=None, enum=None, **kw) -> Column:
    """A column with its roles outside the store (see the module docstring)."""
    info = {"csv": csv, "public": public}
    if queryable:
        info["queryable"] = queryable
    if enum:
        info["enum"] = tuple(enum)
    return Column(name, type_, *args, info=info, **kw)


def internal(name, type_, *args, **kw) -> Column:
    """A column that stays in the store: no CSV, no download."""
    return c(name, type_, *args, csv=False, **kw)


meta = Table(
    "meta",
    metadata,
    internal("key", Text, primary_key=True),
    internal("value", Text, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    c("doc_id", Text, primary_key=True, public=True),
    c("title", Text, public=True),
    c("publisher", Text, public=True),
    c("published", Date, public=True),  # stated or given publication date
    c(
        "reference_date", Date, public=True
    ),  # the date relative dates resolve against, when not published
    c("date_basis", Text, public=True),  # how published/reference_date is known
    c("url", Text, public=True),
    c(
        "text_form", Text, public=True, enum=("original", "rewording")
    ),  # original | reworded (a faithful rewording of url)
    c("note", Text, public=True),
    c("filename", Text),
    c("media_type", Text),
    c("sha256", Text, unique=True),  # null only for a document whose bytes are lost
    c("state", Text, nullable=False, default="published", enum=DOCUMENT_STATES),
    c("extractor_version", Text),
    c("added_at", DateTime(timezone=True)),
    c("added_by", Text),
    internal("reviewed_at", DateTime(timezone=True)),  # the last review action or publication
    internal("reviewed_by", Text),
    internal("content", LargeBinary),  # the original bytes
    internal("text", Text),  # decoded text: every span indexes into it
    internal("text_map", Text),  # JSON runs mapping text offsets to the original (HTML)
)

zones = Table(
    "zones",
    metadata,
    c("zone_id", Text, primary_key=True, public=True),
    c("name", Text, nullable=False, public=True),
    c("aliases", Text, public=True),
    c(
        "type",
        Text,
        nullable=False,
        public=True,
        queryable="Zone type / 开发区类型",
        enum=ZONE_TYPES,
    ),
    c("level", Text, public=True, queryable="national / provincial", enum=ZONE_LEVELS),
    c("city_adcode", Text, public=True, queryable="City adcode / 地级市代码"),
    c("county_adcode", Text, public=True, queryable="County adcode / 区县代码"),
    c("parent_zone_id", Text, public=True),
    c("approval_date", Text, public=True),  # "2001-06": month precision as published
    c("approved_area_ha", Float, public=True),
    c("leading_industries", Text, public=True),
    c("status", Text, public=True),
    c("source", Text, public=True),
    c("source_url", Text, public=True),
    c("note", Text, public=True),
    # A location set by an editor (WGS-84) overrides the host seat; precision "editor".
    c("location_lon", Float),
    c("location_lat", Float),
    c("location_note", Text),
    internal("geom", Geometry("POINT")),
)


def _mention_columns() -> list[Column]:
    """What every mention has: its document, span, quote, evidence and review state."""
    return [
        c("doc_id", Text, ForeignKey("documents.doc_id"), nullable=False),
        c("span_start", Integer, nullable=False),
        c("span_end", Integer, nullable=False),
        c("quote", Text),
        c("evidence", Text),
        c("review_state", Text, nullable=False, default="extracted", enum=REVIEW_STATES),
        c("review_note", Text),
        internal("merge_key", Text, index=True),  # see geo.store.merge
    ]


project_mentions = Table(
    "project_mentions",
    metadata,
    internal("id", Integer, primary_key=True, autoincrement=True),
    c("project_id", Text, index=True),  # the canonical project it merged into
    c("name", Text),
    c("company", Text),
    c("zone_id", Text),
    c("investment_cny", BigInteger),
    c("investment_text", Text),
    c("capacity", Text),
    c("stage", Text, enum=STAGES),
    c("date", Text),
    c("city_adcode", Text),
    c("county_adcode", Text),
    c("lon", Float),
    c("lat", Float),
    c("precision", Text, enum=PRECISIONS),
    c("geocode_method", Text),
    c("unplaced_reason", Text),
    *_mention_columns(),
    UniqueConstraint("doc_id", "span_start", name="uq_project_mention"),
)

batch_mentions = Table(
    "batch_mentions",
    metadata,
    internal("id", Integer, primary_key=True, autoincrement=True),
    c("batch_id", Text, index=True),
    c("round_date", Text),
    c("scope", Text, enum=SCOPES),
    c("place", Text),
    c("adcode", Text),
    c("zone_id", Text),
    c("kind", Text, nullable=False, enum=BATCH_KINDS),
    c("projects", Integer),
    c("investment_cny", BigInteger),
    c("output_cny", BigInteger),
    c("period_type", Text, enum=PERIOD_TYPES),
    c("period_start", Text),
    c("period_end", Text),
    c("period_label", Text),
    c("place_method", Text),
    c("unplaced_reason", Text),
    *_mention_columns(),
    UniqueConstraint("doc_id", "span_start", "kind", name="uq_batch_mention"),
)

# What the extractor saw but did not make a record of: zone names and not-investment
# figures (年产值, 授信 …). Kept per document so review pages can show them.
annotations = Table(
    "annotations",
    metadata,
    internal("id", Integer, primary_key=True, autoincrement=True),
    internal("doc_id", Text, ForeignKey("documents.doc_id"), nullable=False, index=True),
    internal("type", Text, nullable=False),  # zone | fact
    internal("kind", Text),  # fact kind (output, credit …) or zone type
    internal("label", Text),  # zone name / the figure as written
    internal("ref", Text),  # zone_id when known
    internal("value_cny", BigInteger),
    internal("span_start", Integer, nullable=False),
    internal("span_end", Integer, nullable=False),
    internal("evidence", Text),
)

projects = Table(
    "projects",
    metadata,
    c("project_id", Text, primary_key=True, public=True),
    c("name", Text, public=True),
    c("company", Text, public=True),
    c("zone_id", Text, public=True, queryable="Zone id / 开发区编号"),
    c("investment_cny", BigInteger, public=True),
    c("investment_text", Text, public=True),
    c("capacity", Text, public=True),
    c("stage", Text, public=True, queryable="Project stage / 阶段", enum=STAGES),
    c("date", Text, public=True),
    c("first_date", Text, public=True),
    c("city_adcode", Text, public=True, queryable="City adcode / 地级市代码"),
    c("county_adcode", Text, public=True, queryable="County adcode / 区县代码"),
    c("lon", Float),
    c("lat", Float),
    c("precision", Text, public=True),
    c("geocode_method", Text, public=True),
    c("unplaced_reason", Text, public=True),
    c("doc_id", Text, public=True, queryable="Source document"),  # the latest report
    c("span_start", Integer, public=True),
    c("span_end", Integer, public=True),
    c("quote", Text, public=True),
    c("evidence", Text, public=True),
    c("reports", Integer, public=True),  # how many live mentions
    c("doc_ids", Text, public=True),  # every source, "|"-separated
    internal("geom", Geometry("POINT")),
)

batches = Table(
    "batches",
    metadata,
    c("batch_id", Text, primary_key=True, public=True),
    c("round_date", Text, public=True),
    c("scope", Text, public=True, queryable="Scope", enum=SCOPES),
    c("place", Text, public=True),
    c("adcode", Text, public=True, queryable="Place adcode / 地区代码"),
    c("zone_id", Text, public=True),
    c("kind", Text, public=True, queryable="Batch kind", enum=BATCH_KINDS),
    c("period_type", Text, public=True, queryable="Period type", enum=PERIOD_TYPES),
    c("period_start", Text, public=True),
    c("period_end", Text, public=True),
    c("period_label", Text, public=True),
    c("projects", Integer, public=True),
    c("investment_cny", BigInteger, public=True),
    c("output_cny", BigInteger, public=True),
    c("place_method", Text, public=True),
    c("unplaced_reason", Text, public=True),
    c("evidence", Text, public=True),
    # "conflict": live reports disagree; the values are null (never summed) until an
    # editor resolves it, and ``reported`` lists what each source said. An editor's
    # resolution (table ``resolutions``) makes it "picked" (one source's values) or
    # "range" (values null, never summed; the range in the *_min/*_max columns).
    c("status", Text, public=True, enum=BATCH_STATUSES),
    c("reported", Text, public=True),
    c("projects_min", Integer, public=True),
    c("projects_max", Integer, public=True),
    c("investment_cny_min", BigInteger, public=True),
    c("investment_cny_max", BigInteger, public=True),
    c("doc_id", Text, public=True, queryable="Source document"),
    c("span_start", Integer, public=True),
    c("span_end", Integer, public=True),
    c("quote", Text, public=True),
    c("reports", Integer, public=True),
    c("doc_ids", Text, public=True),
)

units = Table(
    "units",
    metadata,
    internal("adcode", Text, primary_key=True),
    internal("name", Text, nullable=False),
    internal("name_en", Text),
    internal("level", Text, nullable=False),
    internal("parent_adcode", Text),
    internal("geom", Geometry("MULTIPOLYGON")),
)

users = Table(
    "users",
    metadata,
    internal("id", Integer, primary_key=True, autoincrement=True),
    internal("name", Text, nullable=False, unique=True),
    internal("role", Text, nullable=False),
    internal("password_hash", Text),
    internal("created_at", DateTime(timezone=True), nullable=False),
    internal("disabled_at", DateTime(timezone=True)),
)

tokens = Table(
    "tokens",
    metadata,
    internal("id", Integer, primary_key=True, autoincrement=True),
    internal("user_id", Integer, ForeignKey("users.id"), nullable=False),
    internal("token_hash", Text, nullable=False, unique=True),
    internal("label", Text),
    internal("created_at", DateTime(timezone=True), nullable=False),
    internal("revoked_at", DateTime(timezone=True)),
    internal("last_used_at", DateTime(timezone=True)),
)

# Browser sessions: the cookie carries a random token, the store only its hash, so a
# logout or a disabled account ends the session in every app process at once.
sessions = Table(
    "sessions",
    metadata,
    internal("id", Integer, primary_key=True, autoincrement=True),
    internal("token_hash", Text, nullable=False, unique=True),
    internal("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    internal("created_at", DateTime(timezone=True), nullable=False),
    internal("last_seen_at", DateTime(timezone=True), nullable=False),
    internal("expires_at", DateTime(timezone=True), nullable=False),
    internal("revoked_at", DateTime(timezone=True)),
)

# Failed logins per key ("user:<name>", "ip:<address>"): shared by every app process, so
# rate limits and lockouts hold behind a load balancer.
login_attempts = Table(
    "login_attempts",
    metadata,
    internal("key", Text, primary_key=True),
    internal("failures", Integer, nullable=False),
    internal("window_start", DateTime(timezone=True), nullable=False),
    internal("locked_until", DateTime(timezone=True)),
)

# An editor's settlement of a conflicting figure: "pick" one report's values (mention_id)
# or keep every reported value as a "range". Applied by geo.store.merge.batch_row.
resolutions = Table(
    "resolutions",
    metadata,
    internal("batch_id", Text, primary_key=True),
    internal("choice", Text, nullable=False),
    internal("mention_id", Integer),
    internal("resolved_by", Text, nullable=False),
    internal("resolved_at", DateTime(timezone=True), nullable=False),
    internal("note", Text),
)

# Every change: who, when, what, before and after (JSON), why. Never updated or deleted.
audit = Table(
    "audit",
    metadata,
    c("id", Integer, primary_key=True, autoincrement=True),
    c("at", DateTime(timezone=True), nullable=False),
    c("actor", Text, nullable=False),
    c("action", Text, nullable=False),
    c("entity", Text, nullable=False),
    c("entity_id", Text, nullable=False),
    c("before", Text),
    c("after", Text),
    c("note", Text),
    Index("ix_audit_entity", "entity", "entity_id"),
)

# data/ snapshot files and the table behind each.
SNAPSHOT_FILES = {
    "sources.csv": documents,
    "zones.csv": zones,
    "projects.csv": project_mentions,
    "batches.csv": batch_mentions,
    "audit.csv": audit,
}


def csv_columns(table: Table) -> list[str]:
    return [col.name for col in table.columns if col.info.get("csv")]


def public_columns(table: Table) -> list[str]:
    return [col.name for col in table.columns if col.info.get("public")]


def queryables(table: Table) -> list[Column]:
    return [col for col in table.columns if col.info.get("queryable")]


def integer_columns(table: Table) -> list[str]:
    return [col.name for col in table.columns if isinstance(col.type, (Integer, BigInteger))]


def float_columns(table: Table) -> list[str]:
    return [col.name for col in table.columns if isinstance(col.type, Float)]


def date_columns(table: Table) -> list[str]:
    return [col.name for col in table.columns if isinstance(col.type, Date)]
