"""quality: inspection plans, characteristics, lots, inspections, NCRs, 8Ds, audits, measurements

Revision ID: 0014_quality
Revises: 0011_units
Create Date: 2026-12-03 15:53:50.165265
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cofab.db.base
from cofab.db.migrations.ddl import fk, pk, timestamps

revision: str = "0014_quality"
down_revision: str | Sequence[str] | None = "0011_units"
branch_labels: str | Sequence[str] | None = ("quality",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quality_checklists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("scoring", sa.String(length=8), nullable=False),
        *timestamps(),
        fk("quality_checklists", "unit_id", "business_units.id", "RESTRICT"),
        pk("quality_checklists"),
        sa.UniqueConstraint("name", "version", name="uq_quality_checklist_version"),
    )
    with op.batch_alter_table("quality_checklists", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_checklists_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "quality_audits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("checklist_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("performed_on", sa.Date(), nullable=True),
        sa.Column("cadence_months", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("grade", sa.String(length=2), nullable=True),
        sa.Column("auditor", sa.String(length=200), nullable=True),
        *timestamps(),
        fk("quality_audits", "checklist_id", "quality_checklists.id", "RESTRICT"),
        fk("quality_audits", "partner_id", "partners.id", "CASCADE"),
        fk("quality_audits", "site_id", "partner_sites.id", "SET NULL"),
        fk("quality_audits", "unit_id", "business_units.id", "RESTRICT"),
        pk("quality_audits"),
    )
    with op.batch_alter_table("quality_audits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_audits_checklist_id"), ["checklist_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_quality_audits_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_quality_audits_planned_on"), ["planned_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_quality_audits_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "quality_checklist_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checklist_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("text_ko", sa.String(length=500), nullable=False),
        sa.Column("text_en", sa.String(length=500), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        fk("quality_checklist_questions", "checklist_id", "quality_checklists.id", "CASCADE"),
        pk("quality_checklist_questions"),
    )
    with op.batch_alter_table("quality_checklist_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_checklist_questions_checklist_id"),
            ["checklist_id"],
            unique=False,
        )

    op.create_table(
        "quality_inspection_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("product", sa.String(length=120), nullable=False),
        sa.Column("inspection_level", sa.String(length=4), nullable=False),
        sa.Column("aql_critical", sa.Float(), nullable=False),
        sa.Column("aql_major", sa.Float(), nullable=False),
        sa.Column("aql_minor", sa.Float(), nullable=False),
        sa.Column("agreement_aql", sa.Float(), nullable=True),
        sa.Column("switching_state", sa.String(length=16), nullable=False),
        sa.Column("owner_approved_reduced", sa.Boolean(), nullable=False),
        sa.Column("steady_production", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        *timestamps(),
        fk("quality_inspection_plans", "partner_id", "partners.id", "CASCADE"),
        fk("quality_inspection_plans", "site_id", "partner_sites.id", "SET NULL"),
        fk("quality_inspection_plans", "unit_id", "business_units.id", "RESTRICT"),
        pk("quality_inspection_plans"),
    )
    with op.batch_alter_table("quality_inspection_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_inspection_plans_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_quality_inspection_plans_product"), ["product"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_quality_inspection_plans_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_quality_inspection_plans_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "quality_audit_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        fk("quality_audit_answers", "audit_id", "quality_audits.id", "CASCADE"),
        fk("quality_audit_answers", "question_id", "quality_checklist_questions.id", "CASCADE"),
        pk("quality_audit_answers"),
        sa.UniqueConstraint("audit_id", "question_id", name="uq_quality_audit_answer"),
    )
    with op.batch_alter_table("quality_audit_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_audit_answers_audit_id"), ["audit_id"], unique=False
        )

    op.create_table(
        "quality_audit_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("action", sa.String(length=1000), nullable=True),
        sa.Column("action_due", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        fk("quality_audit_findings", "audit_id", "quality_audits.id", "CASCADE"),
        fk("quality_audit_findings", "question_id", "quality_checklist_questions.id", "SET NULL"),
        pk("quality_audit_findings"),
    )
    with op.batch_alter_table("quality_audit_findings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_audit_findings_audit_id"), ["audit_id"], unique=False
        )

    op.create_table(
        "quality_characteristics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("product", sa.String(length=120), nullable=False),
        sa.Column("name_ko", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("uom", sa.String(length=32), nullable=True),
        sa.Column("nominal", sa.Float(), nullable=True),
        sa.Column("lsl", sa.Float(), nullable=True),
        sa.Column("usl", sa.Float(), nullable=True),
        sa.Column("defect_class", sa.String(length=16), nullable=False),
        sa.Column("subgroup_size", sa.Integer(), nullable=False),
        sa.Column("cpk_target", sa.Float(), nullable=False),
        sa.Column("external_ref", sa.String(length=64), nullable=True),
        *timestamps(),
        fk("quality_characteristics", "partner_id", "partners.id", "CASCADE"),
        fk("quality_characteristics", "plan_id", "quality_inspection_plans.id", "CASCADE"),
        fk("quality_characteristics", "site_id", "partner_sites.id", "SET NULL"),
        fk("quality_characteristics", "unit_id", "business_units.id", "RESTRICT"),
        pk("quality_characteristics"),
    )
    with op.batch_alter_table("quality_characteristics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_characteristics_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_quality_characteristics_plan_id"), ["plan_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_quality_characteristics_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "quality_lots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("product", sa.String(length=120), nullable=False),
        sa.Column("lot_no", sa.String(length=64), nullable=False),
        sa.Column("lot_size", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=True),
        sa.Column("order_line_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("disposition", sa.String(length=16), nullable=True),
        sa.Column("disposition_note", sa.String(length=500), nullable=True),
        sa.Column("external_ref", sa.String(length=64), nullable=True),
        *timestamps(),
        fk("quality_lots", "partner_id", "partners.id", "CASCADE"),
        fk("quality_lots", "plan_id", "quality_inspection_plans.id", "SET NULL"),
        fk("quality_lots", "site_id", "partner_sites.id", "SET NULL"),
        fk("quality_lots", "unit_id", "business_units.id", "RESTRICT"),
        pk("quality_lots"),
    )
    with op.batch_alter_table("quality_lots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_lots_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_quality_lots_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_quality_lots_receipt_id"), ["receipt_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_quality_lots_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "quality_plan_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=False),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("changed_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        fk("quality_plan_states", "lot_id", "quality_lots.id", "SET NULL"),
        fk("quality_plan_states", "plan_id", "quality_inspection_plans.id", "CASCADE"),
        pk("quality_plan_states"),
    )
    with op.batch_alter_table("quality_plan_states", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_plan_states_plan_id"), ["plan_id"], unique=False
        )

    op.create_table(
        "quality_inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("inspection_level", sa.String(length=4), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("class_plans", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("inspected_qty", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=254), nullable=True),
        sa.Column("recorded_at", cofab.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=True),
        *timestamps(),
        fk("quality_inspections", "lot_id", "quality_lots.id", "CASCADE"),
        fk("quality_inspections", "partner_id", "partners.id", "CASCADE"),
        fk("quality_inspections", "unit_id", "business_units.id", "RESTRICT"),
        pk("quality_inspections"),
    )
    with op.batch_alter_table("quality_inspections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quality_inspections_lot_id"), ["lot_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_quality_inspections_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_quality_inspections_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "quality_measurements",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("characteristic_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("subgroup", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("measured_at", cofab.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("external_ref", sa.String(length=64), nullable=True),
        fk("quality_measurements", "characteristic_id", "quality_characteristics.id", "CASCADE"),
        fk("quality_measurements", "lot_id", "quality_lots.id", "SET NULL"),
        fk("quality_measurements", "partner_id", "partners.id", "CASCADE"),
        pk("quality_measurements"),
        sa.UniqueConstraint("characteristic_id", "external_ref", name="uq_quality_measurement_ref"),
    )
    with op.batch_alter_table("quality_measurements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_measurements_characteristic_id"),
            ["characteristic_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_quality_measurements_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "quality_defects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("characteristic_id", sa.Integer(), nullable=True),
        sa.Column("defect_class", sa.String(length=16), nullable=False),
        sa.Column("defect_code", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        fk("quality_defects", "characteristic_id", "quality_characteristics.id", "SET NULL"),
        fk("quality_defects", "inspection_id", "quality_inspections.id", "CASCADE"),
        pk("quality_defects"),
    )
    with op.batch_alter_table("quality_defects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_defects_inspection_id"), ["inspection_id"], unique=False
        )

    op.create_table(
        "quality_ncrs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("product", sa.String(length=120), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("order_line_id", sa.Integer(), nullable=True),
        sa.Column("defect_code", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("containment", sa.String(length=2000), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cost_scrap", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("cost_rework", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("cost_sorting", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("cost_freight", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("cost_line_stop", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        *timestamps(),
        fk("quality_ncrs", "inspection_id", "quality_inspections.id", "SET NULL"),
        fk("quality_ncrs", "lot_id", "quality_lots.id", "SET NULL"),
        fk("quality_ncrs", "partner_id", "partners.id", "CASCADE"),
        fk("quality_ncrs", "site_id", "partner_sites.id", "SET NULL"),
        fk("quality_ncrs", "unit_id", "business_units.id", "RESTRICT"),
        pk("quality_ncrs"),
    )
    with op.batch_alter_table("quality_ncrs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_ncrs_defect_code"), ["defect_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_quality_ncrs_lot_id"), ["lot_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_quality_ncrs_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_quality_ncrs_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "quality_8ds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("ncr_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("containment_due_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("verify_lots", sa.Integer(), nullable=False),
        sa.Column("closed_at", cofab.db.base.UTCDateTime(timezone=True), nullable=True),
        *timestamps(),
        fk("quality_8ds", "ncr_id", "quality_ncrs.id", "CASCADE"),
        fk("quality_8ds", "partner_id", "partners.id", "CASCADE"),
        fk("quality_8ds", "unit_id", "business_units.id", "RESTRICT"),
        pk("quality_8ds"),
        sa.UniqueConstraint("ncr_id", name=op.f("uq_quality_8ds_ncr_id")),
    )
    with op.batch_alter_table("quality_8ds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quality_8ds_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quality_8ds_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "quality_8d_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("eightd_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        fk("quality_8d_actions", "eightd_id", "quality_8ds.id", "CASCADE"),
        pk("quality_8d_actions"),
    )
    with op.batch_alter_table("quality_8d_actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_8d_actions_eightd_id"), ["eightd_id"], unique=False
        )

    op.create_table(
        "quality_8d_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("eightd_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=4), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_at", cofab.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("owner_comment", sa.String(length=2000), nullable=True),
        sa.Column("submitted_at", cofab.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_at", cofab.db.base.UTCDateTime(timezone=True), nullable=True),
        fk("quality_8d_steps", "eightd_id", "quality_8ds.id", "CASCADE"),
        pk("quality_8d_steps"),
        sa.UniqueConstraint("eightd_id", "step", name="uq_quality_8d_step"),
    )
    with op.batch_alter_table("quality_8d_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_8d_steps_eightd_id"), ["eightd_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("quality_8d_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_8d_steps_eightd_id"))

    op.drop_table("quality_8d_steps")
    with op.batch_alter_table("quality_8d_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_8d_actions_eightd_id"))

    op.drop_table("quality_8d_actions")
    with op.batch_alter_table("quality_8ds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_8ds_unit_id"))
        batch_op.drop_index(batch_op.f("ix_quality_8ds_partner_id"))

    op.drop_table("quality_8ds")
    with op.batch_alter_table("quality_ncrs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_ncrs_unit_id"))
        batch_op.drop_index(batch_op.f("ix_quality_ncrs_partner_id"))
        batch_op.drop_index(batch_op.f("ix_quality_ncrs_lot_id"))
        batch_op.drop_index(batch_op.f("ix_quality_ncrs_defect_code"))

    op.drop_table("quality_ncrs")
    with op.batch_alter_table("quality_defects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_defects_inspection_id"))

    op.drop_table("quality_defects")
    with op.batch_alter_table("quality_measurements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_measurements_partner_id"))
        batch_op.drop_index(batch_op.f("ix_quality_measurements_characteristic_id"))

    op.drop_table("quality_measurements")
    with op.batch_alter_table("quality_inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_inspections_unit_id"))
        batch_op.drop_index(batch_op.f("ix_quality_inspections_partner_id"))
        batch_op.drop_index(batch_op.f("ix_quality_inspections_lot_id"))

    op.drop_table("quality_inspections")
    with op.batch_alter_table("quality_plan_states", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_plan_states_plan_id"))

    op.drop_table("quality_plan_states")
    with op.batch_alter_table("quality_lots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_lots_unit_id"))
        batch_op.drop_index(batch_op.f("ix_quality_lots_receipt_id"))
        batch_op.drop_index(batch_op.f("ix_quality_lots_plan_id"))
        batch_op.drop_index(batch_op.f("ix_quality_lots_partner_id"))

    op.drop_table("quality_lots")
    with op.batch_alter_table("quality_characteristics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_characteristics_unit_id"))
        batch_op.drop_index(batch_op.f("ix_quality_characteristics_plan_id"))
        batch_op.drop_index(batch_op.f("ix_quality_characteristics_partner_id"))

    op.drop_table("quality_characteristics")
    with op.batch_alter_table("quality_audit_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_audit_findings_audit_id"))

    op.drop_table("quality_audit_findings")
    with op.batch_alter_table("quality_audit_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_audit_answers_audit_id"))

    op.drop_table("quality_audit_answers")
    with op.batch_alter_table("quality_inspection_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_inspection_plans_unit_id"))
        batch_op.drop_index(batch_op.f("ix_quality_inspection_plans_site_id"))
        batch_op.drop_index(batch_op.f("ix_quality_inspection_plans_product"))
        batch_op.drop_index(batch_op.f("ix_quality_inspection_plans_partner_id"))

    op.drop_table("quality_inspection_plans")
    with op.batch_alter_table("quality_checklist_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_checklist_questions_checklist_id"))

    op.drop_table("quality_checklist_questions")
    with op.batch_alter_table("quality_audits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_audits_unit_id"))
        batch_op.drop_index(batch_op.f("ix_quality_audits_planned_on"))
        batch_op.drop_index(batch_op.f("ix_quality_audits_partner_id"))
        batch_op.drop_index(batch_op.f("ix_quality_audits_checklist_id"))

    op.drop_table("quality_audits")
    with op.batch_alter_table("quality_checklists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_checklists_unit_id"))

    op.drop_table("quality_checklists")
