"""selection: templates, evaluations, scores, due diligence, evidence, decision records

Revision ID: 0004_selection
Revises: 0001_foundation
Create Date: 2026-11-25 19:58:29.119059
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cofab.db.base
from cofab.db.migrations.ddl import fk, pk, sealed_file_columns, timestamps

revision: str = "0004_selection"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("selection",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sel_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("partner_type", sa.String(length=32), nullable=True),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=True),
        *timestamps(),
        pk("sel_templates"),
        sa.UniqueConstraint("key", name=op.f("uq_sel_templates_key")),
    )
    with op.batch_alter_table("sel_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sel_templates_partner_type"), ["partner_type"], unique=False
        )

    op.create_table(
        "sel_template_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_ko", sa.String(length=200), nullable=False),
        sa.Column("weight_mode", sa.String(length=8), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("ahp_matrix", sa.JSON(), nullable=True),
        sa.Column("consistency_ratio", sa.Float(), nullable=True),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        fk("sel_template_versions", "created_by", "users.id", "SET NULL"),
        fk("sel_template_versions", "template_id", "sel_templates.id", "CASCADE"),
        pk("sel_template_versions"),
        sa.UniqueConstraint(
            "template_id", "version", name=op.f("uq_sel_template_versions_template_id_version")
        ),
    )
    with op.batch_alter_table("sel_template_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sel_template_versions_template_id"), ["template_id"], unique=False
        )

    op.create_table(
        "sel_evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("template_version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("aggregation", sa.String(length=8), nullable=False),
        sa.Column("mc_draws", sa.Integer(), nullable=False),
        sa.Column("mc_concentration", sa.Float(), nullable=False),
        sa.Column("mc_seed", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", cofab.db.base.UTCDateTime(timezone=True), nullable=True),
        *timestamps(),
        fk("sel_evaluations", "created_by", "users.id", "SET NULL"),
        fk("sel_evaluations", "template_version_id", "sel_template_versions.id", "RESTRICT"),
        pk("sel_evaluations"),
    )
    with op.batch_alter_table("sel_evaluations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sel_evaluations_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sel_evaluations_template_version_id"),
            ["template_version_id"],
            unique=False,
        )

    op.create_table(
        "sel_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("selected", sa.Boolean(), nullable=False),
        *timestamps(),
        fk("sel_candidates", "evaluation_id", "sel_evaluations.id", "CASCADE"),
        fk("sel_candidates", "partner_id", "partners.id", "CASCADE"),
        pk("sel_candidates"),
        sa.UniqueConstraint(
            "evaluation_id", "partner_id", name=op.f("uq_sel_candidates_evaluation_id_partner_id")
        ),
    )
    with op.batch_alter_table("sel_candidates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sel_candidates_evaluation_id"), ["evaluation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sel_candidates_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "sel_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("record_hash", sa.String(length=64), nullable=False),
        fk("sel_decisions", "decided_by", "users.id", "SET NULL"),
        fk("sel_decisions", "evaluation_id", "sel_evaluations.id", "RESTRICT"),
        pk("sel_decisions"),
        sa.UniqueConstraint("evaluation_id", name=op.f("uq_sel_decisions_evaluation_id")),
    )
    op.create_table(
        "sel_dd_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_ko", sa.String(length=200), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=True),
        sa.Column("description_ko", sa.Text(), nullable=True),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("signed_off_by", sa.Integer(), nullable=True),
        sa.Column("signed_off_at", cofab.db.base.UTCDateTime(timezone=True), nullable=True),
        *timestamps(),
        fk("sel_dd_items", "candidate_id", "sel_candidates.id", "CASCADE"),
        fk("sel_dd_items", "owner_id", "users.id", "SET NULL"),
        fk("sel_dd_items", "partner_id", "partners.id", "CASCADE"),
        fk("sel_dd_items", "signed_off_by", "users.id", "SET NULL"),
        pk("sel_dd_items"),
        sa.UniqueConstraint("candidate_id", "key", name=op.f("uq_sel_dd_items_candidate_id_key")),
    )
    with op.batch_alter_table("sel_dd_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sel_dd_items_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sel_dd_items_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "sel_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(length=64), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        fk("sel_scores", "candidate_id", "sel_candidates.id", "CASCADE"),
        fk("sel_scores", "evaluation_id", "sel_evaluations.id", "CASCADE"),
        fk("sel_scores", "evaluator_id", "users.id", "CASCADE"),
        fk("sel_scores", "partner_id", "partners.id", "CASCADE"),
        pk("sel_scores"),
        sa.UniqueConstraint(
            "candidate_id",
            "criterion",
            "evaluator_id",
            name=op.f("uq_sel_scores_candidate_id_criterion_evaluator_id"),
        ),
    )
    with op.batch_alter_table("sel_scores", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sel_scores_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sel_scores_evaluation_id"), ["evaluation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sel_scores_evaluator_id"), ["evaluator_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sel_scores_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "sel_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("dd_item_id", sa.Integer(), nullable=True),
        *sealed_file_columns(),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        fk("sel_evidence", "candidate_id", "sel_candidates.id", "CASCADE"),
        fk("sel_evidence", "dd_item_id", "sel_dd_items.id", "CASCADE"),
        fk("sel_evidence", "partner_id", "partners.id", "CASCADE"),
        fk("sel_evidence", "uploaded_by", "users.id", "SET NULL"),
        pk("sel_evidence"),
        sa.UniqueConstraint("object_key", name=op.f("uq_sel_evidence_object_key")),
    )
    with op.batch_alter_table("sel_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sel_evidence_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sel_evidence_dd_item_id"), ["dd_item_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sel_evidence_partner_id"), ["partner_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sel_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sel_evidence_partner_id"))
        batch_op.drop_index(batch_op.f("ix_sel_evidence_dd_item_id"))
        batch_op.drop_index(batch_op.f("ix_sel_evidence_candidate_id"))

    op.drop_table("sel_evidence")
    with op.batch_alter_table("sel_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sel_scores_partner_id"))
        batch_op.drop_index(batch_op.f("ix_sel_scores_evaluator_id"))
        batch_op.drop_index(batch_op.f("ix_sel_scores_evaluation_id"))
        batch_op.drop_index(batch_op.f("ix_sel_scores_candidate_id"))

    op.drop_table("sel_scores")
    with op.batch_alter_table("sel_dd_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sel_dd_items_partner_id"))
        batch_op.drop_index(batch_op.f("ix_sel_dd_items_candidate_id"))

    op.drop_table("sel_dd_items")
    op.drop_table("sel_decisions")
    with op.batch_alter_table("sel_candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sel_candidates_partner_id"))
        batch_op.drop_index(batch_op.f("ix_sel_candidates_evaluation_id"))

    op.drop_table("sel_candidates")
    with op.batch_alter_table("sel_evaluations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sel_evaluations_template_version_id"))
        batch_op.drop_index(batch_op.f("ix_sel_evaluations_status"))

    op.drop_table("sel_evaluations")
    with op.batch_alter_table("sel_template_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sel_template_versions_template_id"))

    op.drop_table("sel_template_versions")
    with op.batch_alter_table("sel_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sel_templates_partner_type"))

    op.drop_table("sel_templates")
