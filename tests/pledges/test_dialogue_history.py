"""A pledge's dialogues keep a history, and its page answers like every record's:
to the people who may see the municipality's internal documents, and 404 to others."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pledges import services
from pledges.models import Dialogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def dialogue(owner, pledge):
    dialogue = services.dialogue_save(
        user=owner,
        dialogue=Dialogue(
            pledge=pledge, kind=Dialogue.Kind.SAFETY_WALK, held_on=dt.date(2025, 9, 14)
        ),
    )
    dialogue.summary = "Dålig belysning vid gångtunneln"
    return services.dialogue_save(user=owner, dialogue=dialogue)


def test_a_dialogues_history_opens_for_internal_readers(client_of, owner, colleague, dialogue):
    url = reverse("record-history", args=["pledges.dialogue", dialogue.pk])
    for user in (owner, colleague):  # the coordinator, and a reader of the municipality
        response = client_of(user).get(url)
        assert response.status_code == 200, user
        body = response.content.decode()
        assert owner.get_full_name() in body and "Hemby kommun" in body
        assert body.count('class="history__item"') == 2  # created, then the summary changed
    assert dialogue.history.filter(history_user=owner).count() == 2


def test_a_dialogues_history_is_404_for_outsiders(client_of, outsider, county_officer, dialogue):
    url = reverse("record-history", args=["pledges.dialogue", dialogue.pk])
    for user in (outsider, county_officer):  # another municipality; read but not internal
        assert client_of(user).get(url).status_code == 404, user
