"""What a granted request does: one function per kind, chosen from one table."""

from privacy.models.requests import Kind
from privacy.services.effects import EFFECTS


def test_every_kind_has_its_effect_except_other_which_is_answered_in_words():
    assert set(EFFECTS) == set(Kind) - {Kind.OTHER}
