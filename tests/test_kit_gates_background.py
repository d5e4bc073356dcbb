"""Background work is started one way: ``councils.background.enqueue``.

``enqueue`` queues a task when the surrounding transaction commits and never lets a
down broker break the request (the failure is recorded for
``QueueFailureMiddleware`` and the sweeps send the work later). A hand-written
``transaction.on_commit(lambda: task.delay(...))`` or a bare ``task.delay(...)``
skips one or the other. This gate reads the project's Python code (every top-level
package but tests; migrations aside) and fails on any call of ``on_commit``,
``.delay``, ``.apply_async`` (and their ``*_on_commit`` forms) or ``send_task``
outside ``councils/background.py``.

No exception for tasks.py: a task that queues another task goes through the kit as
well (none does today), so a sub-task also waits for the task's commit and a down
broker is handled the same way. ``self.retry`` inside a task is not queueing and is
not matched.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
#: the one module that talks to Celery and to the commit hooks
KIT = ROOT / "councils" / "background.py"
#: not application code
SKIP = {"tests", "var", "staticfiles", "static", "templates", "locale", "node_modules"}
QUEUEING = {
    "on_commit",
    "delay",
    "apply_async",
    "delay_on_commit",
    "apply_async_on_commit",
    "send_task",
}


def _python_files():
    for top in sorted(ROOT.iterdir()):
        if top.name.startswith(".") or top.name in SKIP:
            continue
        paths = [top] if top.suffix == ".py" else sorted(top.rglob("*.py"))
        for path in paths:
            if "migrations" not in path.parts and path != KIT:
                yield path


def queueing_calls(source: str, filename: str = "<snippet>") -> list[str]:
    """``file:line: call`` for every call that queues or hooks the commit by hand."""
    tree = ast.parse(source, filename=filename)
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    found = []
    for node in sorted(calls, key=lambda call: (call.lineno, call.col_offset)):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in QUEUEING:
            found.append(f"{filename}:{node.lineno}: {ast.unparse(func)}(…)")
    return found


def test_only_the_kit_queues_background_work():
    found = []
    for path in _python_files():
        found += queueing_calls(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, (
        "Queue background work with councils.background.enqueue(task, *args) "
        "(it waits for the commit and never breaks the request):\n" + "\n".join(found)
    )


def test_the_gate_reads_the_app_code():
    """The walk really covers the apps (an empty walk would pass everything)."""
    files = {str(path.relative_to(ROOT)) for path in _python_files()}
    assert {"pledges/services.py", "followup/reminders.py", "pledges/admin.py"} <= files
    assert "councils/background.py" not in files


# --- the gate catches the old patterns -------------------------------------------------

OLD = """
from django.db import transaction
from django.db.transaction import on_commit

def notify(notification):
    transaction.on_commit(lambda pk=notification.pk: _queue(tasks.send_email, pk))

def send_again(queryset):
    for notification in queryset:
        tasks.send_notification_email.delay(notification.pk)

def queue(ids):
    for digest_id in ids:
        try:
            tasks.send_digest.apply_async((digest_id,), countdown=5)
        except Exception:
            release(digest_id)

def later(pk):
    on_commit(lambda: tasks.render_report.delay_on_commit(pk))
    app.send_task("followup.render_report", args=[pk])
"""

NEW = """
from councils import background

def notify(notification):
    background.enqueue(tasks.send_email, notification.pk)

@shared_task(bind=True)
def send(self, pk):
    raise self.retry(countdown=5)
"""


def test_the_gate_catches_hand_written_queueing():
    found = queueing_calls(OLD)
    assert [line.split(": ", 1)[1] for line in found] == [
        "transaction.on_commit(…)",
        "tasks.send_notification_email.delay(…)",
        "tasks.send_digest.apply_async(…)",
        "on_commit(…)",
        "tasks.render_report.delay_on_commit(…)",
        "app.send_task(…)",
    ]


def test_the_gate_passes_the_kit_and_a_tasks_own_retry():
    assert queueing_calls(NEW) == []
