"""Residents see an activity's status only from published follow-ups.

``Activity.status`` is internal: a follow-up recorded unpublished moves it at once.
What the public sees is ``Activity.public_status`` (blank until a follow-up is
recorded, then the latest published entry's status or the plan's), which only
``followup.services.public_status_of`` computes. Two gates:

- the follow-up app: a function that moves an activity's ``status`` or changes an
  entry's ``published`` (an assignment, a ``.update(…)`` or a ``FollowUp(…)`` built
  with ``published=``) also calls ``public_status_of`` (else the public status
  falls behind, or an unpublished status leaks);
- the public selectors: ``PublicActivity`` is built with the public status
  (``row["public_status"] or row["status"]``), never the internal status alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
KIT = "public_status_of"
MOVES = {"status", "published"}


def _moves(node: ast.AST) -> str | None:
    """What the node moves: ``activity.status = …``, ``entry.published = …``,
    ``….update(published=…)`` or ``FollowUp(…, published=…)``; None otherwise."""
    if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr in MOVES:
                receiver = ast.unparse(target.value).lower()
                if target.attr == "published" or "activit" in receiver:
                    return ast.unparse(target)
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        keywords = {k.arg for k in node.keywords}
        if name in ("update", "FollowUp") and "published" in keywords:
            return f"{ast.unparse(func)}(published=…)"
        if name == "update" and "status" in keywords and "activit" in ast.unparse(func).lower():
            return f"{ast.unparse(func)}(status=…)"
    return None


def unfollowed_moves(source: str, filename: str = "<snippet>") -> list[str]:
    """``file:line: what`` for every function that moves a status or a ``published``
    without calling ``public_status_of``."""
    found = []
    for function in ast.walk(ast.parse(source, filename=filename)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if function.name == KIT:
            continue
        nodes = list(ast.walk(function))
        calls = {
            getattr(n.func, "attr", getattr(n.func, "id", ""))
            for n in nodes
            if isinstance(n, ast.Call)
        }
        if KIT in calls:
            continue
        for node in nodes:
            what = _moves(node)
            if what:
                found.append(f"{filename}:{node.lineno}: {what} in {function.name}()")
    return found


def _followup_files():
    for path in sorted((ROOT / "followup").rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def test_the_follow_up_app_moves_the_public_status_with_the_internal_one():
    found = []
    for path in _followup_files():
        found += unfollowed_moves(path.read_text(), str(path.relative_to(ROOT)))
    assert not found, "Call followup.services.public_status_of here:\n" + "\n".join(found)


def test_the_public_activity_is_built_from_the_public_status():
    source = (ROOT / "pledges" / "selectors.py").read_text()
    assert leaked_statuses(source) == []


def leaked_statuses(source: str) -> list[str]:
    """``PublicActivity(status=…)`` calls whose status does not read ``public_status``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "PublicActivity":
            for keyword in node.keywords:
                if keyword.arg == "status" and "public_status" not in ast.unparse(keyword.value):
                    found.append(f"{node.lineno}: status={ast.unparse(keyword.value)}")
    return found


# --- the gates fail on the old pattern ------------------------------------------------

OLD_RECORD = """
def follow_up_record(*, user, activity, status, published):
    entry = FollowUp(activity=activity, status=status, published=published)
    save_versioned(entry, expected_version=None, user=user)
    activity.status = status
    bump(activity, user=user)
"""

OLD_PUBLISH = """
def follow_up_publish(*, user, entry):
    FollowUp.objects.filter(pk=entry.pk).update(published=True)
"""

NEW_RECORD = """
def follow_up_record(*, user, activity, status, published):
    entry = FollowUp(activity=activity, status=status, published=published)
    plan_status = activity.public_status or activity.status
    activity.status = status
    activity.public_status = public_status_of(activity, plan_status=plan_status)
"""

OLD_SELECTOR = """
def _activity(row):
    return PublicActivity(pk=row["pk"], status=row["status"])
"""


def test_the_gate_catches_a_status_moved_without_the_public_status():
    found = unfollowed_moves(OLD_RECORD)
    assert any("FollowUp(published=…)" in line for line in found)
    assert any("activity.status" in line for line in found)
    assert unfollowed_moves(OLD_PUBLISH) == [
        "<snippet>:3: FollowUp.objects.filter(pk=entry.pk).update(published=…) "
        "in follow_up_publish()"
    ]
    assert unfollowed_moves(NEW_RECORD) == []
    assert unfollowed_moves("def f(pledge):\n    pledge.status = 'x'\n") == []


def test_the_gate_catches_a_public_activity_with_the_internal_status():
    assert leaked_statuses(OLD_SELECTOR) == ["3: status=row['status']"]
    new = OLD_SELECTOR.replace('row["status"]', 'row["public_status"] or row["status"]')
    assert leaked_statuses(new) == []
