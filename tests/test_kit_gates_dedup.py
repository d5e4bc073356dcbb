"""An import page and a move up or down are done one way, in the kit.

- An upload page answers through ``councils.imports.upload_page``: a view that catches
  ``ImportRefused`` itself is writing the page again (the refusal on the file field,
  the report with status 400).
- Moving a row one place in an ordered list is ``councils.concurrency.move`` (and
  ``renumber``): code that computes the neighbour of ``"up"`` by hand
  (``index - 1 if direction == "up" else …``) is writing the move again.

The gate reads the apps' Python code (migrations aside) with ``ast``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("councils", "agreements", "pledges", "est", "followup", "search")
KIT = {ROOT / "councils" / "imports.py", ROOT / "councils" / "concurrency.py"}


def _python_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts and path not in KIT:
                yield path


def _catches_import_refused(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for kind in kinds:
        name = kind.attr if isinstance(kind, ast.Attribute) else getattr(kind, "id", "")
        if name == "ImportRefused":
            return True
    return False


def _is_up_neighbour(node: ast.IfExp) -> bool:
    """``… if direction == "up" else …`` whose branches are ``x - 1`` and ``x + 1``."""
    test = node.test
    if not (
        isinstance(test, ast.Compare)
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value in ("up", "down")
    ):
        return False
    ops = [
        type(branch.op)
        for branch in (node.body, node.orelse)
        if isinstance(branch, ast.BinOp)
        and isinstance(branch.right, ast.Constant)
        and branch.right.value == 1
    ]
    return sorted(op.__name__ for op in ops) == ["Add", "Sub"]


def _is_view(filename: str) -> bool:
    """A view module (the import pipelines themselves may catch a refusal of a part)."""
    return "views" in Path(filename).parts or filename.endswith(("views.py", "<snippet>"))


def own_ways(source: str, filename: str = "<snippet>") -> list[str]:
    """``file:line: what`` for every import page or move written outside the kit."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if (
            isinstance(node, ast.ExceptHandler)
            and node.type
            and _catches_import_refused(node)
            and _is_view(filename)
        ):
            found.append(f"{filename}:{node.lineno}: catches ImportRefused (use upload_page)")
        if isinstance(node, ast.IfExp) and _is_up_neighbour(node):
            found.append(f"{filename}:{node.lineno}: moves up or down by hand (use move)")
    return sorted(found)


def test_import_pages_and_moves_go_through_the_kit():
    found = []
    for path in _python_files():
        found += own_ways(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, "\n".join(found)


def test_the_gate_sees_an_import_page_of_its_own():
    snippet = """
def page(request):
    try:
        report = importer.run(upload)
    except importer.ImportRefused as refused:
        form.add_error("file", str(refused))
"""
    assert own_ways(snippet) == ["<snippet>:5: catches ImportRefused (use upload_page)"]


def test_the_gate_sees_a_move_of_its_own():
    snippet = """
def move(rows, index, direction):
    other = index - 1 if direction == "up" else index + 1
    rows[index], rows[other] = rows[other], rows[index]
"""
    assert own_ways(snippet) == ["<snippet>:3: moves up or down by hand (use move)"]


def test_the_gate_passes_the_kit_way():
    snippet = """
def page(request):
    return imports.upload_page(request, form, template=T, context={}, run=run, done=done)

def activity_move(rows, activity, direction, user):
    move(rows, activity, direction, "order", user=user)
"""
    assert own_ways(snippet) == []
