"""The governance domain's public surface: the one module other domains (and hooks) import.

``list_action_items`` and ``mark_action_item_done`` are what the cross-cofab inbox
(notifications) reads and calls; the rules live in ``committees``, ``meetings`` and ``records``.
"""

from __future__ import annotations

from cofab.governance.committees import (
    add_member,
    create_committee,
    get_committee,
    list_committees,
    remove_member,
    update_committee,
)
from cofab.governance.invitations import meeting_invitation
from cofab.governance.meetings import (
    MeetingFilter,
    add_agenda_item,
    create_meeting,
    generate_series,
    get_meeting,
    list_meetings,
    meeting_detail,
    set_attendance,
    update_agenda_item,
    update_meeting,
)
from cofab.governance.records import (
    DecisionFilter,
    add_action_item,
    add_decision,
    get_action_item,
    get_decision,
    is_overdue,
    list_action_items,
    list_decisions,
    mark_action_item_done,
    update_action_item,
    update_decision,
)

__all__ = [
    "DecisionFilter",
    "MeetingFilter",
    "add_action_item",
    "add_agenda_item",
    "add_decision",
    "add_member",
    "create_committee",
    "create_meeting",
    "generate_series",
    "get_action_item",
    "get_committee",
    "get_decision",
    "get_meeting",
    "is_overdue",
    "list_action_items",
    "list_committees",
    "list_decisions",
    "list_meetings",
    "mark_action_item_done",
    "meeting_detail",
    "meeting_invitation",
    "remove_member",
    "set_attendance",
    "update_action_item",
    "update_agenda_item",
    "update_committee",
    "update_decision",
    "update_meeting",
]
