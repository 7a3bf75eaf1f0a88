"""Labels of quality's own codes and 8D fields, shown through ``ql`` in quality's templates."""

from __future__ import annotations

from cofab.core.i18n import N_, label_msgid, translate
from cofab.quality.models import QUALITY_LABELS

STEP_TITLES: dict[str, str] = {
    "D0": N_("D0 Prepare and emergency response"),
    "D1": N_("D1 Team"),
    "D2": N_("D2 Problem description"),
    "D3": N_("D3 Containment"),
    "D4": N_("D4 Root cause (5-Why, fishbone)"),
    "D5": N_("D5 Corrective actions"),
    "D6": N_("D6 Implement and validate"),
    "D7": N_("D7 Prevent recurrence"),
    "D8": N_("D8 Recognise the team"),
}
STEP_FIELDS: dict[str, str] = {
    "symptom": N_("Symptom"),
    "emergency_response": N_("Emergency response"),
    "team": N_("Team members"),
    "leader": N_("Team leader"),
    "problem": N_("Problem statement"),
    "what": N_("What"),
    "where": N_("Where"),
    "when": N_("When"),
    "how_many": N_("How many"),
    "containment": N_("Containment actions"),
    "quantity_contained": N_("Quantity contained"),
    "why1": N_("Why 1"),
    "why2": N_("Why 2"),
    "why3": N_("Why 3"),
    "why4": N_("Why 4"),
    "why5": N_("Why 5"),
    "root_cause": N_("Root cause"),
    "escape_point": N_("Escape point"),
    "man": N_("Fishbone: man"),
    "machine": N_("Fishbone: machine"),
    "method": N_("Fishbone: method"),
    "material": N_("Fishbone: material"),
    "measurement": N_("Fishbone: measurement"),
    "environment": N_("Fishbone: environment"),
    "corrective_actions": N_("Chosen corrective actions"),
    "implementation": N_("Implementation"),
    "validation": N_("Validation of effect"),
    "prevention": N_("Preventive actions"),
    "standards_updated": N_("Standards and FMEA updated"),
    "recognition": N_("Recognition"),
    "lessons_learned": N_("Lessons learned"),
}


def quality_label(code: object, locale: str) -> str:
    """A stored quality code by its label (quality's own first, then the global registry)."""
    key = str(code)
    msgid = QUALITY_LABELS.get(key) or STEP_TITLES.get(key) or STEP_FIELDS.get(key)
    return translate(msgid or label_msgid(key), locale)
