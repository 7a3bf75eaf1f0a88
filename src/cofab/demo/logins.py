"""The demo-login table `cofab up` and `cofab demo load` print: which login sees what.

A new user's first question after `cofab up` is which account to try. With three business units
of one group, the e-mail alone does not say that admin@hanbit.example sees nothing of the pharma
case, so every row names the unit and the scope in the reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence

from cofab.core.i18n import N_, translate
from cofab.core.labels import label_msgid
from cofab.demo.cases import CASES, GROUP
from cofab.demo.loader import DemoAccess

HEADINGS = (N_("E-mail"), N_("Role"), N_("Business unit"), N_("Sees"))
# Every demo login has the same password: said once under the table, so the rows stay narrow.
PASSWORD_NOTE = N_("Every demo login uses the password {password}.")


def unit_name(case_name: str, locale: str) -> str:
    _code, name_ko, name_en = CASES[case_name]["unit"]
    return str(name_ko if locale == "ko" else name_en)


def _group_name(locale: str) -> str:
    return GROUP["name_ko"] if locale == "ko" else GROUP["name_en"]


def access_row(row: DemoAccess, locale: str) -> tuple[str, str, str, str]:
    role = translate(label_msgid(row.role), locale)
    if row.case is None:
        unit = translate(N_("{group} (all units)"), locale, group=_group_name(locale))
        sees = translate(N_("Every unit"), locale)
    elif row.partner_name is not None:
        unit = unit_name(row.case, locale)
        name = row.partner_name_ko if locale == "ko" and row.partner_name_ko else row.partner_name
        sees = translate(N_("{partner}'s own data only"), locale, partner=name)
    else:
        unit = unit_name(row.case, locale)
        sees = translate(N_("This unit only"), locale)
    return (row.email, role, unit, sees)


def access_rows(rows: Sequence[DemoAccess], locale: str) -> list[tuple[str, str, str, str]]:
    return [access_row(row, locale) for row in rows]
