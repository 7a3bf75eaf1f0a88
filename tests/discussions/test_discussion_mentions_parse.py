"""Mentions as the body spells them: e-mails, bracketed names, bare words (pure functions)."""

from __future__ import annotations

from cofab.discussions.mentions import MentionToken, Person, match_token, mention_tokens

PEOPLE = [
    Person(1, "kim.minji@owner.test", "Kim Minji"),
    Person(2, "anna@bravo.test", "Anna Schmidt"),
    Person(3, "kim@alpha.test", "Kim Minji"),
    Person(4, "lee@owner.test", "이서준"),
]


def test_an_email_a_bracketed_name_and_a_word_are_read_in_order_once_each() -> None:
    body = "@anna@bravo.test please check with @[Kim  Minji] and @이서준. Again @anna@bravo.test"
    assert mention_tokens(body) == [
        MentionToken("email", "anna@bravo.test"),
        MentionToken("name", "Kim  Minji"),
        MentionToken("word", "이서준"),
    ]


def test_an_address_inside_text_and_a_number_are_not_mentions() -> None:
    assert mention_tokens("write to sales@owner.test at @10am") == []


def test_a_bare_word_may_be_plain_text_but_an_email_or_bracketed_name_must_name_someone() -> None:
    assert not MentionToken("word", "home").strict
    assert MentionToken("email", "x@y.test").strict and MentionToken("name", "X").strict


def test_matching_by_email_name_word_and_local_part() -> None:
    assert [p.user_id for p in match_token(MentionToken("email", "ANNA@bravo.test"), PEOPLE)] == [2]
    # two people share the name: ambiguous, the writer must use an e-mail
    assert [p.user_id for p in match_token(MentionToken("name", "kim minji"), PEOPLE)] == [1, 3]
    assert [p.user_id for p in match_token(MentionToken("word", "AnnaSchmidt"), PEOPLE)] == [2]
    assert [p.user_id for p in match_token(MentionToken("word", "lee"), PEOPLE)] == [4]
    assert match_token(MentionToken("word", "nobody"), PEOPLE) == []
