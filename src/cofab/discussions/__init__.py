"""Discussions: threads on any partnership object (an order, an NCR, a contract, a forecast
line, a risk), with @mentions and vault attachments (issue 17).

The discussions domain knows no subject: each subject's domain registers a resolver
(``<domain>/thread_subject.py``) that turns an object id into who may see it, so the thread
inherits its subject's access rules instead of copying them.
"""

from cofab.core.domain_parts import DomainParts, NavEntry
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="discussions",
    models="cofab.discussions.models",
    api=("cofab.discussions.api:router",),
    pages=("cofab.discussions.pages:router",),
    templates=True,
    nav=(NavEntry("/discussions", N_("Discussions"), "all", menu=N_("Collaborate")),),
    hooks=("cofab.discussions.notify_mentions",),  # mentions become notifications
)
