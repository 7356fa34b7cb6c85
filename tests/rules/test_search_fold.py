"""The folding rule of client search (issue 15, item 9): accents and case do not matter."""

import pytest

from clinic.rules.search import fold


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Siân", "sian"),
        ("SIÂN", "sian"),
        ("Zoë", "zoe"),
        ("Siobhán Ní Bhriain", "siobhan ni bhriain"),
        ("Ngô-Łukasiewicz", "ngo-lukasiewicz"),
        ("Bjørn", "bjorn"),
        ("Müller", "muller"),
        ("Straße", "strasse"),
        ("Æsa Œuvre", "aesa oeuvre"),
        ("O'Brien", "o'brien"),
        ("Zoe\u0308", "zoe"),  # a combining diaeresis typed as its own character
        ("ﬁona", "fiona"),  # a ligature
        ("", ""),
    ],
)
def test_fold(typed, folded):
    assert fold(typed) == folded


@pytest.mark.parametrize("name", ["Siân Pryce", "Zoë Ölçer", "Ngô-Łukasiewicz", "Straße"])
def test_a_typed_prefix_folds_to_a_prefix_of_the_key(name):
    for end in range(1, len(name) + 1):
        assert fold(name).startswith(fold(name[:end]))
