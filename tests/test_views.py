"""The callback codec, the button table and the autoescaping of `t()`: no handler can get these wrong."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from bot import callbacks
from bot.i18n import t
from bot.render import esc, html
from handlers import BUTTONS

BIG = 10**18 - 1  # the largest id a kind accepts (18 digits)


@pytest.mark.parametrize("kind", callbacks.ALL_KINDS, ids=lambda k: k.prefix)
def test_every_kind_round_trips_within_telegrams_64_bytes(kind: callbacks.ButtonKind) -> None:
    args = tuple(BIG for _ in range(kind.arity))
    data = kind.data(*args)
    assert len(data.encode()) <= callbacks.MAX_CALLBACK_BYTES
    assert kind.parse(data) == args
    assert kind.parse(kind.data(*(0 for _ in range(kind.arity)))) == tuple(0 for _ in range(kind.arity))


def test_kinds_never_read_each_others_buttons() -> None:
    for kind in callbacks.ALL_KINDS:
        data = kind.data(*(7 for _ in range(kind.arity)))
        readers = [other.prefix for other in callbacks.ALL_KINDS if other.parse(data) is not None]
        assert readers == [kind.prefix], data


@pytest.mark.parametrize("data", ["", "who", "who:", "who:x", "who:1:2", "tg:5", "art:-1", "sub:x:1:2",
                                  "resume:1", "full:1", None, 5])
def test_malformed_data_matches_no_kind(data: object) -> None:
    assert all(kind.parse(data) is None for kind in callbacks.ALL_KINDS)


def test_every_kind_has_exactly_one_handler() -> None:
    assert set(BUTTONS) == set(callbacks.ALL_KINDS)


def test_building_bad_data_fails_loudly() -> None:
    with pytest.raises(ValueError):
        callbacks.CLAIMS.data(1)
    with pytest.raises(ValueError):
        callbacks.WHO.data(-3)


def test_t_escapes_every_value_unless_it_is_markup() -> None:
    text = t("en", "who_none", query='<b>Лавров</b> & "co"')
    assert "<b>Лавров" not in text and "&lt;b&gt;Лавров&lt;/b&gt; &amp; &quot;co&quot;" in text
    fragment = html("<b>{}</b>", "A&B")
    assert t("en", "sub_created", target=fragment, filters="") == (
        "Subscribed to <b>A&amp;B</b>. New articles about it will be announced here.")
    assert isinstance(t("en", "next"), Markup)
    # Escaping is idempotent on Markup: a value escaped once is never escaped twice.
    assert esc(esc("<i>")) == "&lt;i&gt;"
