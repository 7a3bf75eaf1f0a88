"""Who a message body mentions, read from its text (pure: no database).

Three spellings, so that a name with a space can be mentioned and an e-mail always works:
``@kim@partner.example`` (an e-mail), ``@[Kim Minji]`` (a display name in brackets) and
``@minji`` (one word: a display name without its spaces, or an e-mail's local part). A bare
word that names nobody is left as text ("see you @10am"); an e-mail or a bracketed name that
names nobody is refused, since the writer clearly meant someone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MENTION = re.compile(
    r"(?<![\w.@])@(?:"
    r"(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|\[(?P<name>[^\]\n]{1,200})\]"
    r"|(?P<word>[^\W\d_][\w.-]{0,99})"
    r")",
    re.UNICODE,
)


@dataclass(frozen=True)
class MentionToken:
    """One ``@…`` in a body: what was written and how (``email``, ``name`` or ``word``)."""

    kind: str
    text: str

    @property
    def strict(self) -> bool:
        """An e-mail or a bracketed name must name someone; a bare word may be plain text."""
        return self.kind != "word"


def mention_tokens(body: str) -> list[MentionToken]:
    """Every mention in order of appearance, each spelling once."""
    seen: set[tuple[str, str]] = set()
    found: list[MentionToken] = []
    for match in _MENTION.finditer(body):
        kind = match.lastgroup or "word"
        text = match.group(kind).strip().rstrip(".")
        key = (kind, text.casefold())
        if text and key not in seen:
            seen.add(key)
            found.append(MentionToken(kind, text))
    return found


def name_key(name: str) -> str:
    """A display name as a bare-word mention spells it: no spaces, case folded."""
    return "".join(name.split()).casefold()


@dataclass(frozen=True)
class Person:
    """A user as mentions match them."""

    user_id: int
    email: str
    display_name: str


def match_token(token: MentionToken, people: list[Person]) -> list[Person]:
    """The people a token may mean (more than one: ambiguous, the writer must use an e-mail)."""
    text = token.text.casefold()
    if token.kind == "email":
        return [p for p in people if p.email.casefold() == text]
    if token.kind == "name":
        wanted = " ".join(token.text.split()).casefold()
        return [p for p in people if " ".join(p.display_name.split()).casefold() == wanted]
    by_name = [p for p in people if name_key(p.display_name) == text]
    if by_name:
        return by_name
    return [p for p in people if p.email.split("@", 1)[0].casefold() == text]
