"""initial schema

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

import geo.store.geometry

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Needs the PostGIS package on the server, and a role allowed to create it (or an
        # administrator who ran CREATE EXTENSION postgis in this database beforehand).
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Text(), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "batches",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("round_date", sa.Text(), nullable=True),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("adcode", sa.Text(), nullable=True),
        sa.Column("zone_id", sa.Text(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("period_type", sa.Text(), nullable=True),
        sa.Column("period_start", sa.Text(), nullable=True),
        sa.Column("period_end", sa.Text(), nullable=True),
        sa.Column("period_label", sa.Text(), nullable=True),
        sa.Column("projects", sa.Integer(), nullable=True),
        sa.Column("investment_cny", sa.BigInteger(), nullable=True),
        sa.Column("output_cny", sa.BigInteger(), nullable=True),
        sa.Column("place_method", sa.Text(), nullable=True),
        sa.Column("unplaced_reason", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("reported", sa.Text(), nullable=True),
        sa.Column("doc_id", sa.Text(), nullable=True),
        sa.Column("span_start", sa.Integer(), nullable=True),
        sa.Column("span_end", sa.Integer(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("reports", sa.Integer(), nullable=True),
        sa.Column("doc_ids", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("batch_id"),
    )
    op.create_table(
        "documents",
        sa.Column("doc_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("publisher", sa.Text(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("reference_date", sa.Date(), nullable=True),
        sa.Column("date_basis", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("text_form", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("filename", sa.Text(), nullable=True),
        sa.Column("media_type", sa.Text(), nullable=True),
        sa.Column("sha256", sa.Text(), nullable=True),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("extractor_version", sa.Text(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("added_by", sa.Text(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("text_map", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("doc_id"),
        sa.UniqueConstraint("sha256"),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "projects",
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("company", sa.Text(), nullable=True),
        sa.Column("zone_id", sa.Text(), nullable=True),
        sa.Column("investment_cny", sa.BigInteger(), nullable=True),
        sa.Column("investment_text", sa.Text(), nullable=True),
        sa.Column("capacity", sa.Text(), nullable=True),
        sa.Column("stage", sa.Text(), nullable=True),
        sa.Column("date", sa.Text(), nullable=True),
        sa.Column("first_date", sa.Text(), nullable=True),
        sa.Column("city_adcode", sa.Text(), nullable=True),
        sa.Column("county_adcode", sa.Text(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("precision", sa.Text(), nullable=True),
        sa.Column("geocode_method", sa.Text(), nullable=True),
        sa.Column("unplaced_reason", sa.Text(), nullable=True),
        sa.Column("doc_id", sa.Text(), nullable=True),
        sa.Column("span_start", sa.Integer(), nullable=True),
        sa.Column("span_end", sa.Integer(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("reports", sa.Integer(), nullable=True),
        sa.Column("doc_ids", sa.Text(), nullable=True),
        sa.Column("geom", geo.store.geometry.Geometry("POINT"), nullable=True),
        sa.PrimaryKeyConstraint("project_id"),
    )
    op.create_table(
        "units",
        sa.Column("adcode", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=True),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("parent_adcode", sa.Text(), nullable=True),
        sa.Column("geom", geo.store.geometry.Geometry("MULTIPOLYGON"), nullable=True),
        sa.PrimaryKeyConstraint("adcode"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "zones",
        sa.Column("zone_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=True),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("level", sa.Text(), nullable=True),
        sa.Column("city_adcode", sa.Text(), nullable=True),
        sa.Column("county_adcode", sa.Text(), nullable=True),
        sa.Column("parent_zone_id", sa.Text(), nullable=True),
        sa.Column("approval_date", sa.Text(), nullable=True),
        sa.Column("approved_area_ha", sa.Float(), nullable=True),
        sa.Column("leading_industries", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("location_lon", sa.Float(), nullable=True),
        sa.Column("location_lat", sa.Float(), nullable=True),
        sa.Column("location_note", sa.Text(), nullable=True),
        sa.Column("geom", geo.store.geometry.Geometry("POINT"), nullable=True),
        sa.PrimaryKeyConstraint("zone_id"),
    )
    op.create_table(
        "annotations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("doc_id", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("ref", sa.Text(), nullable=True),
        sa.Column("value_cny", sa.BigInteger(), nullable=True),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["doc_id"],
            ["documents.doc_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_annotations_doc_id"), ["doc_id"], unique=False)

    op.create_table(
        "batch_mentions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.Text(), nullable=True),
        sa.Column("round_date", sa.Text(), nullable=True),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("adcode", sa.Text(), nullable=True),
        sa.Column("zone_id", sa.Text(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("projects", sa.Integer(), nullable=True),
        sa.Column("investment_cny", sa.BigInteger(), nullable=True),
        sa.Column("output_cny", sa.BigInteger(), nullable=True),
        sa.Column("period_type", sa.Text(), nullable=True),
        sa.Column("period_start", sa.Text(), nullable=True),
        sa.Column("period_end", sa.Text(), nullable=True),
        sa.Column("period_label", sa.Text(), nullable=True),
        sa.Column("place_method", sa.Text(), nullable=True),
        sa.Column("unplaced_reason", sa.Text(), nullable=True),
        sa.Column("doc_id", sa.Text(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("review_state", sa.Text(), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("merge_key", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["doc_id"],
            ["documents.doc_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("doc_id", "span_start", "kind", name="uq_batch_mention"),
    )
    with op.batch_alter_table("batch_mentions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_batch_mentions_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_batch_mentions_merge_key"), ["merge_key"], unique=False
        )

    op.create_table(
        "project_mentions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("company", sa.Text(), nullable=True),
        sa.Column("zone_id", sa.Text(), nullable=True),
        sa.Column("investment_cny", sa.BigInteger(), nullable=True),
        sa.Column("investment_text", sa.Text(), nullable=True),
        sa.Column("capacity", sa.Text(), nullable=True),
        sa.Column("stage", sa.Text(), nullable=True),
        sa.Column("date", sa.Text(), nullable=True),
        sa.Column("city_adcode", sa.Text(), nullable=True),
        sa.Column("county_adcode", sa.Text(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("precision", sa.Text(), nullable=True),
        sa.Column("geocode_method", sa.Text(), nullable=True),
        sa.Column("unplaced_reason", sa.Text(), nullable=True),
        sa.Column("doc_id", sa.Text(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("review_state", sa.Text(), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("merge_key", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["doc_id"],
            ["documents.doc_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("doc_id", "span_start", name="uq_project_mention"),
    )
    with op.batch_alter_table("project_mentions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_mentions_merge_key"), ["merge_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_project_mentions_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    meta = sa.table("meta", sa.column("key"), sa.column("value"))
    op.bulk_insert(meta, [{"key": "data_version", "value": "0"}])


def downgrade() -> None:
    op.drop_table("tokens")
    with op.batch_alter_table("project_mentions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_mentions_project_id"))
        batch_op.drop_index(batch_op.f("ix_project_mentions_merge_key"))

    op.drop_table("project_mentions")
    with op.batch_alter_table("batch_mentions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batch_mentions_merge_key"))
        batch_op.drop_index(batch_op.f("ix_batch_mentions_batch_id"))

    op.drop_table("batch_mentions")
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_annotations_doc_id"))

    op.drop_table("annotations")
    op.drop_table("zones")
    op.drop_table("users")
    op.drop_table("units")
    op.drop_table("projects")
    op.drop_table("meta")
    op.drop_table("documents")
    op.drop_table("batches")
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entity")

    op.drop_table("audit")
