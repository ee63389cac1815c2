"""The press registry: bodies, authorities, agencies, domains, publications, licences, press cards,
restructuring actions with members and milestones, and the change history.

Revision ID: registry_0001
Revises: 0001
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "registry_0001"
down_revision = "0001"
branch_labels = ("registry",)


def _provenance() -> list[Any]:
    return [
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("uncertain", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("retired_at", UTCDateTime),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    ]


def _code() -> list[Any]:
    return [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(80), nullable=False, unique=True),
    ]


def upgrade() -> None:
    op.create_table(
        "registry_bodies",
        *_code(),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
        sa.Column("short_name", sa.String(100), nullable=False, server_default=""),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("registry_bodies.id")),
        *_provenance(),
    )
    op.create_table(
        "registry_authorities",
        *_code(),
        sa.Column("body_id", sa.Integer, sa.ForeignKey("registry_bodies.id"), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("valid_from", sa.Date),
        sa.Column("valid_to", sa.Date),
        *_provenance(),
    )
    op.create_table(
        "registry_agencies",
        *_code(),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
        sa.Column("short_name", sa.String(100), nullable=False, server_default=""),
        sa.Column("body_id", sa.Integer, sa.ForeignKey("registry_bodies.id")),
        sa.Column("city", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("head_title", sa.String(50), nullable=False, server_default=""),
        sa.Column("head_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("head_as_of", sa.String(50), nullable=False, server_default=""),
        sa.Column("address", sa.Text, nullable=False, server_default=""),
        sa.Column("phone", sa.String(100), nullable=False, server_default=""),
        sa.Column("email", sa.String(200), nullable=False, server_default=""),
        sa.Column("founded", sa.Text, nullable=False, server_default=""),
        *_provenance(),
    )
    op.create_table(
        "registry_domains",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("domain", sa.String(255), nullable=False, unique=True),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("registry_agencies.id"), nullable=False),
        sa.Column("role", sa.String(20), nullable=False, server_default="main"),
        sa.Column("since", sa.Date),
        sa.Column("until", sa.Date),
        *_provenance(),
    )
    op.create_index("ix_registry_domains_agency", "registry_domains", ["agency_id"])
    op.create_table(
        "registry_publications",
        *_code(),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("registry_agencies.id"), nullable=False),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("language", sa.String(20), nullable=False, server_default="vi"),
        sa.Column("frequency", sa.String(100), nullable=False, server_default=""),
        sa.Column("domain", sa.String(255), nullable=False, server_default=""),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        sa.Column("stopped_on", sa.Date),
        *_provenance(),
    )
    op.create_index("ix_registry_publications_agency", "registry_publications", ["agency_id"])
    op.create_table(
        "registry_licences",
        *_code(),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("registry_agencies.id"), nullable=False),
        sa.Column("publication_id", sa.Integer, sa.ForeignKey("registry_publications.id")),
        sa.Column("number", sa.String(100), nullable=False, server_default=""),
        sa.Column("issuer_id", sa.Integer, sa.ForeignKey("registry_bodies.id")),
        sa.Column("issued_on", sa.Date),
        sa.Column("expires_on", sa.Date),
        sa.Column("scope", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(20), nullable=False, server_default="valid"),
        *_provenance(),
    )
    op.create_index("ix_registry_licences_expiry", "registry_licences", ["status", "expires_on"])
    op.create_table(
        "registry_rounds",
        *_code(),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("issuer_id", sa.Integer, sa.ForeignKey("registry_bodies.id")),
        sa.Column("issued_on", sa.Date),
        sa.Column("term_start", sa.Date),
        sa.Column("term_end", sa.Date),
        *_provenance(),
    )
    op.create_table(
        "registry_cards",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(80), nullable=False, unique=True),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("registry_agencies.id"), nullable=False),
        sa.Column("round_id", sa.Integer, sa.ForeignKey("registry_rounds.id")),
        sa.Column("issued_on", sa.Date),
        sa.Column("expires_on", sa.Date),
        sa.Column("status", sa.String(20), nullable=False, server_default="valid"),
        *_provenance(),
    )
    op.create_index("ix_registry_cards_expiry", "registry_cards", ["status", "expires_on"])
    op.create_table(
        "registry_actions",
        *_code(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("scheme", sa.String(300), nullable=False, server_default=""),
        sa.Column("target_id", sa.Integer, sa.ForeignKey("registry_agencies.id")),
        sa.Column("new_body_id", sa.Integer, sa.ForeignKey("registry_bodies.id")),
        sa.Column("decision_number", sa.String(100), nullable=False, server_default=""),
        sa.Column("decision_date", sa.Date),
        sa.Column("decision_issuer", sa.String(300), nullable=False, server_default=""),
        sa.Column("announced_on", sa.Date),
        sa.Column("effective_on", sa.Date),
        sa.Column("due_on", sa.Date),
        sa.Column("status", sa.String(20), nullable=False, server_default="planned"),
        sa.Column("completed_on", sa.Date),
        *_provenance(),
    )
    op.create_table(
        "registry_action_members",
        sa.Column("action_id", sa.Integer, sa.ForeignKey("registry_actions.id"), primary_key=True),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("registry_agencies.id"), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_registry_action_members_agency", "registry_action_members", ["agency_id"])
    op.create_table(
        "registry_milestones",
        *_code(),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("registry_actions.id"), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("due_on", sa.Date),
        sa.Column("done_on", sa.Date),
        *_provenance(),
    )
    op.create_table(
        "registry_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("entity", sa.String(30), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("registry_agencies.id")),
        sa.Column("change", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_index("ix_registry_changes_entry", "registry_changes", ["entity", "key"])
    op.create_index("ix_registry_changes_agency", "registry_changes", ["agency_id"])


def downgrade() -> None:
    for table in (
        "registry_changes",
        "registry_milestones",
        "registry_action_members",
        "registry_actions",
        "registry_cards",
        "registry_rounds",
        "registry_licences",
        "registry_publications",
        "registry_domains",
        "registry_agencies",
        "registry_authorities",
        "registry_bodies",
    ):
        op.drop_table(table)
