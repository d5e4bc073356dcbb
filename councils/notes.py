"""Notes a service stores for a person to read later (a list of ``{"kind": …, …}``
dicts in a JSONField, e.g. what a renewal could not carry over by itself), turned into
sentences in the reader's language when they are shown."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def sentences(notes: Iterable[Mapping] | None, messages: Mapping[str, str], **context) -> list[str]:
    """One sentence per note whose kind has a message, in order. A message is filled
    with ``context`` and the note's own values (a value a note lacks reads as empty);
    notes of unknown kinds (written by an older release) are left out."""
    return [
        messages[note["kind"]] % _Blank({**context, **note})
        for note in notes or []
        if note.get("kind") in messages
    ]


def keep_notes(record, notes: list[Mapping], field: str = "renewal_notes") -> None:
    """Store ``notes`` on ``record`` (saving only that field), when there are any."""
    if notes:
        setattr(record, field, notes)
        record.save(update_fields=[field])
