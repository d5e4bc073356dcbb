from __future__ import annotations

import pytest

from tests import factories as f


@pytest.fixture
def themes(region):
    return [
        f.RegionalThemeFactory(police_region=region, code="unga", title="Färre unga i riskzon"),
        f.RegionalThemeFactory(police_region=region, code="avhopp", title="Avhopparverksamhet"),
    ]


@pytest.fixture
def pledge(home):
    return f.PledgeFactory(municipality=home, title="Medborgarlöfte Hemby 2026")


@pytest.fixture
def activities(pledge, themes):
    first = f.ActivityFactory(pledge=pledge, title="Trygghetsvandring", order=1)
    second = f.ActivityFactory(pledge=pledge, title="Föräldravandring", order=2, type="social")
    first.themes.set([themes[0]])
    second.themes.set([themes[1]])
    return [first, second]
