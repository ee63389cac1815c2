"""The press registry's tables on the "registry" branch; baochi.registry.model describes the fields.

Every entity has a unique key (its code, domain or card number), provenance (source, uncertain,
note) and a retired_at stamp instead of deletion, so the register keeps its history.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from baochi.db.schema import UTCDateTime, metadata


def _provenance() -> list[Column[Any]]:
    """Where a fact comes from, whether it is certain, and the bookkeeping every row carries."""
    return [
        Column("source", Text, nullable=False, server_default=""),
        Column("uncertain", Boolean, nullable=False, server_default="0"),
        Column("note", Text, nullable=False, server_default=""),
        Column("retired_at", UTCDateTime),
        Column("created_at", UTCDateTime, nullable=False),
        Column("updated_at", UTCDateTime, nullable=False),
    ]


registry_bodies = Table(
    "registry_bodies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(80), nullable=False, unique=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("short_name", String(100), nullable=False, server_default=""),
    Column("level", String(20), nullable=False),
    Column("type", String(30), nullable=False),
    Column("parent_id", Integer, ForeignKey("registry_bodies.id")),
    *_provenance(),
)

registry_authorities = Table(
    "registry_authorities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(80), nullable=False, unique=True),
    Column("body_id", Integer, ForeignKey("registry_bodies.id"), nullable=False),
    Column("role", String(30), nullable=False),
    Column("valid_from", Date),
    Column("valid_to", Date),
    *_provenance(),
)

registry_agencies = Table(
    "registry_agencies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(80), nullable=False, unique=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("short_name", String(100), nullable=False, server_default=""),
    Column("body_id", Integer, ForeignKey("registry_bodies.id")),
    Column("city", Boolean, nullable=False, server_default="0"),
    Column("head_title", String(50), nullable=False, server_default=""),
    Column("head_name", String(200), nullable=False, server_default=""),
    Column("head_as_of", String(50), nullable=False, server_default=""),
    Column("address", Text, nullable=False, server_default=""),
    Column("phone", String(100), nullable=False, server_default=""),
    Column("email", String(200), nullable=False, server_default=""),
    Column("founded", Text, nullable=False, server_default=""),
    *_provenance(),
)

registry_domains = Table(
    "registry_domains",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("domain", String(255), nullable=False, unique=True),
    Column("agency_id", Integer, ForeignKey("registry_agencies.id"), nullable=False),
    Column("role", String(20), nullable=False, server_default="main"),
    Column("since", Date),
    Column("until", Date),
    *_provenance(),
)
Index("ix_registry_domains_agency", registry_domains.c.agency_id)

registry_publications = Table(
    "registry_publications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(80), nullable=False, unique=True),
    Column("agency_id", Integer, ForeignKey("registry_agencies.id"), nullable=False),
    Column("type", String(30), nullable=False),
    Column("name", String(300), nullable=False),
    Column("language", String(20), nullable=False, server_default="vi"),
    Column("frequency", String(100), nullable=False, server_default=""),
    Column("domain", String(255), nullable=False, server_default=""),
    Column("status", String(20), nullable=False, server_default="active"),
    Column("stopped_on", Date),
    *_provenance(),
)
Index("ix_registry_publications_agency", registry_publications.c.agency_id)

registry_licences = Table(
    "registry_licences",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(80), nullable=False, unique=True),
    Column("agency_id", Integer, ForeignKey("registry_agencies.id"), nullable=False),
    Column("publication_id", Integer, ForeignKey("registry_publications.id")),
    Column("number", String(100), nullable=False, server_default=""),
    Column("issuer_id", Integer, ForeignKey("registry_bodies.id")),
    Column("issued_on", Date),
    Column("expires_on", Date),
    Column("scope", Text, nullable=False, server_default=""),
    Column("status", String(20), nullable=False, server_default="valid"),
    *_provenance(),
)
Index("ix_registry_licences_expiry", registry_licences.c.status, registry_licences.c.expires_on)

registry_rounds = Table(
    "registry_rounds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(80), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("issuer_id", Integer, ForeignKey("registry_bodies.id")),
    Column("issued_on", Date),
    Column("term_start", Date),
    Column("term_end", Date),
    *_provenance(),
)

registry_cards = Table(
    "registry_cards",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(80), nullable=False, unique=True),
    Column("holder", String(200), nullable=False),
    Column("agency_id", Integer, ForeignKey("registry_agencies.id"), nullable=False),
    Column("round_id", Integer, ForeignKey("registry_rounds.id")),
    Column("issued_on", Date),
    Column("expires_on", Date),
    Column("status", String(20), nullable=False, server_default="valid"),
    *_provenance(),
)
Index("ix_registry_cards_expiry", registry_cards.c.status, registry_cards.c.expires_on)

registry_actions = Table(
    "registry_actions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(80), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("title", Text, nullable=False),
    Column("scheme", String(300), nullable=False, server_default=""),
    Column("target_id", Integer, ForeignKey("registry_agencies.id")),
    Column("new_body_id", Integer, ForeignKey("registry_bodies.id")),
    Column("decision_number", String(100), nullable=False, server_default=""),
    Column("decision_date", Date),
    Column("decision_issuer", String(300), nullable=False, server_default=""),
    Column("announced_on", Date),
    Column("effective_on", Date),
    Column("due_on", Date),
    Column("status", String(20), nullable=False, server_default="planned"),
    Column("completed_on", Date),
    *_provenance(),
)

# The agencies an action rearranges (A, B, … merged into the target); position keeps file order.
registry_action_members = Table(
    "registry_action_members",
    metadata,
    Column("action_id", Integer, ForeignKey("registry_actions.id"), primary_key=True),
    Column("agency_id", Integer, ForeignKey("registry_agencies.id"), primary_key=True),
    Column("position", Integer, nullable=False, server_default="0"),
)
Index("ix_registry_action_members_agency", registry_action_members.c.agency_id)

registry_milestones = Table(
    "registry_milestones",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(80), nullable=False, unique=True),
    Column("action_id", Integer, ForeignKey("registry_actions.id"), nullable=False),
    Column("title", Text, nullable=False),
    Column("due_on", Date),
    Column("done_on", Date),
    *_provenance(),
)

# Every create, edit, retirement and completion, with who did it: the history of each entry.
registry_changes = Table(
    "registry_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("entity", String(30), nullable=False),
    Column("key", String(255), nullable=False),
    Column("agency_id", Integer, ForeignKey("registry_agencies.id")),
    Column("change", String(20), nullable=False),  # create, update, retire, restore, complete
    Column("detail", Text, nullable=False, server_default="{}"),
)
Index("ix_registry_changes_entry", registry_changes.c.entity, registry_changes.c.key)
Index("ix_registry_changes_agency", registry_changes.c.agency_id)

REGISTRY_TABLES = {
    "bodies": registry_bodies,
    "authorities": registry_authorities,
    "agencies": registry_agencies,
    "domains": registry_domains,
    "publications": registry_publications,
    "licences": registry_licences,
    "rounds": registry_rounds,
    "cards": registry_cards,
    "actions": registry_actions,
    "milestones": registry_milestones,
}
# The column each entity is known by in files, URLs and references: a code unless named here.
REGISTRY_KEYS = {name: "code" for name in REGISTRY_TABLES} | {
    "domains": "domain",
    "cards": "number",
}
