"""The point row's pickers carry what the page script needs: each muscle's regions (issue 15, item 4)."""

import pytest

from clinic.rules.muscles import muscles_for_region
from clinic.rules.vocabulary import REGIONS
from clinic.visits.forms import MUSCLE_CHOICES


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_the_muscles_listed_first_for_a_region_are_the_catalogues(region):
    listed_first = {c.value for c in MUSCLE_CHOICES if c.value and region in c.render_kw["data-lies"].split()}
    assert listed_first == set(muscles_for_region(region))


def test_every_muscle_option_names_where_it_lies_and_refers():
    for choice in MUSCLE_CHOICES[1:]:
        assert choice.render_kw["data-lies"] and choice.render_kw["data-referral"]
        assert set(choice.render_kw["data-lies"].split()) <= set(REGIONS)
