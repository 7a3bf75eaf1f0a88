"""forecast: lines and reservations without foreign keys, one index, a delete trigger

Revision ID: 0034_forecast_speed
Revises: 0015_forecast
Create Date: 2026-12-04 01:40:00

Publishing a plan writes 100,000s of forecast lines. Each foreign key checked per row locked
its parent row (``FOR KEY SHARE``) and cost more than writing the row itself; two indexes and a
unique constraint on a column that is empty until the line becomes an order doubled that again.
The lines keep their parent ids without foreign keys (the one writer writes a publication and
its lines together; each line also keeps its publication's release, so accuracy needs no
join of every line to its publication), one index ``(partner_id, publication_id)`` serves a partner's lines and one
publication's lines, the order-line rule holds where a line has an order line, and a trigger
deletes a publication's lines and reservations with it (also when a partner's delete cascades to
its publications), as the foreign keys' ``ON DELETE CASCADE`` did.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034_forecast_speed"
down_revision: str | Sequence[str] | None = "0015_forecast"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_NULL = sa.text("order_line_id IS NOT NULL")

PG_TRIGGER = """
CREATE FUNCTION fc_publication_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM fc_lines WHERE partner_id = OLD.partner_id AND publication_id = OLD.id;
  DELETE FROM fc_reservations WHERE publication_id = OLD.id;
  RETURN NULL;
END $$;
CREATE TRIGGER fc_publications_delete_children AFTER DELETE ON fc_publications
  FOR EACH ROW EXECUTE FUNCTION fc_publication_deleted();
"""
SQLITE_TRIGGER = """
CREATE TRIGGER fc_publications_delete_children AFTER DELETE ON fc_publications
BEGIN
  DELETE FROM fc_lines WHERE partner_id = OLD.partner_id AND publication_id = OLD.id;
  DELETE FROM fc_reservations WHERE publication_id = OLD.id;
END
"""


def upgrade() -> None:
    with op.batch_alter_table("fc_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("release", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE fc_lines SET release = "
        "(SELECT p.release FROM fc_publications AS p WHERE p.id = fc_lines.publication_id)"
    )
    op.execute("DELETE FROM fc_lines WHERE release IS NULL")  # lines of no publication
    with op.batch_alter_table("fc_lines", schema=None) as batch_op:
        batch_op.alter_column("release", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("fk_fc_lines_partner_id_partners", type_="foreignkey")
        batch_op.drop_constraint("fk_fc_lines_publication_id_fc_publications", type_="foreignkey")
        batch_op.drop_constraint("uq_fc_lines_order_line_id", type_="unique")
        batch_op.drop_index("ix_fc_lines_pub")
        batch_op.drop_index("ix_fc_lines_partner_period")
        batch_op.create_index("ix_fc_lines_partner_pub", ["partner_id", "publication_id"])
        batch_op.create_index(
            "uq_fc_lines_order_line",
            ["order_line_id"],
            unique=True,
            postgresql_where=NOT_NULL,
            sqlite_where=NOT_NULL,
        )
    with op.batch_alter_table("fc_reservations", schema=None) as batch_op:
        batch_op.drop_constraint("fk_fc_reservations_partner_id_partners", type_="foreignkey")
        batch_op.drop_constraint(
            "fk_fc_reservations_publication_id_fc_publications", type_="foreignkey"
        )
    trigger = PG_TRIGGER if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGER
    op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER fc_publications_delete_children ON fc_publications")
        op.execute("DROP FUNCTION fc_publication_deleted()")
    else:
        op.execute("DROP TRIGGER fc_publications_delete_children")
    with op.batch_alter_table("fc_reservations", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_fc_reservations_publication_id_fc_publications",
            "fc_publications",
            ["publication_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            "fk_fc_reservations_partner_id_partners",
            "partners",
            ["partner_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("fc_lines", schema=None) as batch_op:
        batch_op.drop_index("uq_fc_lines_order_line")
        batch_op.drop_index("ix_fc_lines_partner_pub")
        batch_op.create_index("ix_fc_lines_partner_period", ["partner_id", "period_start"])
        batch_op.create_index("ix_fc_lines_pub", ["publication_id", "period_index"])
        batch_op.create_unique_constraint("uq_fc_lines_order_line_id", ["order_line_id"])
        batch_op.drop_column("release")
        batch_op.create_foreign_key(
            "fk_fc_lines_publication_id_fc_publications",
            "fc_publications",
            ["publication_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            "fk_fc_lines_partner_id_partners",
            "partners",
            ["partner_id"],
            ["id"],
            ondelete="CASCADE",
        )
