"""Notifications and the action-item inbox (issue 17): one list of every open action item
across cofab, the bell with its unread count, e-mail through ``COFAB_SMTP_URL`` and the daily
scan that turns due dates into reminders.

Other domains feed the inbox by registering a source (``service.register_inbox_source``) from a
hook module in their own folder (``quality/inbox_source.py``, ``risk/inbox_source.py``, …) and
send a notification with ``service.notify``; this package never reads their tables.
"""

from cofab.core.domain_parts import DomainParts, NavEntry, SubCommand
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="notifications",
    models="cofab.notifications.models",
    api=("cofab.notifications.api:router",),
    pages=("cofab.notifications.pages:router",),
    templates=True,
    nav=(NavEntry("/inbox", N_("Inbox"), "all"),),
    cli=SubCommand(
        "notify",
        "cofab.notifications.cli:app",
        help="Notifications: the inbox scan, the daily digest and e-mail delivery.",
    ),
    jobs=("cofab.notifications.jobs",),
)
