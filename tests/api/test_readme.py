"""The README's API examples are run: each ```sh block of its "API" section that starts
with ``curl`` is read (method, headers, body, address) and sent through the test client,
and must answer the status written under it (``# 200``)."""

from __future__ import annotations

import datetime as dt
import re
import shlex
from pathlib import Path

from django.conf import settings

from est.models import Category, Place
from est.usual import put_usual_categories
from pledges.models import Pledge
from tests import factories as f

BLOCK = re.compile(r"```sh\n(curl .*?)\n# (\d{3})\n```", re.DOTALL)


def examples() -> list[tuple[str, int]]:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## API\n", 1)[1].split("\n## ", 1)[0]
    return [
        (command.replace("\\\n", " "), int(status)) for command, status in BLOCK.findall(section)
    ]


def run(client, command: str, variables: dict[str, str]):
    for name, value in variables.items():
        command = command.replace(f"${name}", value)
    words = shlex.split(command)[1:]
    method, headers, body, url = "GET", {}, None, None
    while words:
        word = words.pop(0)
        if word in {"-s", "-i"}:
            continue
        if word == "-X":
            method = words.pop(0)
        elif word == "-H":
            name, value = words.pop(0).split(": ", 1)
            headers[name] = value
        elif word == "-d":
            body = words.pop(0)
        else:
            url = word
    content_type = headers.pop("Content-Type", "application/json")
    call = getattr(client, method.lower())
    if body is None:
        return call(url, headers=headers)
    return call(url, body, content_type=content_type, headers=headers)


def test_the_readmes_curl_examples_answer_as_written(client, owner, bearer, home):
    found = examples()
    assert len(found) >= 13
    assert any("incident-reports" in command for command, _status in found)
    assert {412, 428, 415, 404} <= {status for _command, status in found}
    # the examples write follow-ups of 2026, whatever the day the tests run
    pledge = f.PledgeFactory(
        municipality=home,
        status=Pledge.Status.PUBLISHED,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    activity, _second = (
        f.ActivityFactory(pledge=pledge, start_date=dt.date(2026, 1, 1), end_date=None)
        for _ in range(2)
    )
    # the incident example reports for the owner's organisation at a place of Hemby
    place = Place.objects.create(municipality=home, name="Stortorget", area="Centrum")
    category = put_usual_categories(Category)["klotter"]
    token = bearer(owner)["Authorization"].removeprefix("Bearer ")
    variables = {
        "TOKEN": token,
        "SAMVERKAN": "",
        "ACTIVITY": str(activity.pk),
        "NEXT": "",
        "PLACE": str(place.pk),
        "CATEGORY": str(category.pk),
    }
    for command, status in found:
        response = run(client, command, variables)
        assert response.status_code == status, f"{command}\n{response.content[:300]!r}"
        if response.get("Content-Type", "").startswith("application/json"):
            variables["NEXT"] = (response.json().get("next") or "") if status == 200 else ""
