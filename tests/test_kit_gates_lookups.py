"""Objects are looked up one way, and who may do what is asked of one module.

``councils.access`` answers "what may this user see and change" for the whole project.
Two gates keep it the only answer:

1. **Lookups.** A views module (``views.py`` or ``views/*.py`` of an app) fetches one
   row of a model that has a shared lookup only through ``access.get_object_or_404``
   (or ``get_municipality_or_404``, ``get_county_or_404``, ``get_organisation_or_404``),
   which answers 404 both for a row that does not exist and for one the user may not
   see. A model has a shared lookup when it declares ``municipality_path``
   (``councils.models.InMunicipality``), or is a municipality, county or organisation.
   A hand-written lookup is any of:

   - ``django.shortcuts.get_object_or_404`` / ``get_list_or_404`` of such a model;
   - ``.get(…)`` on a queryset of such a model (``Pledge.objects.get(pk=pk)``,
     ``PLEDGES.select_related(…).get(pk=pk)``, ``queryset.get(pk=pk)``);
   - ``.first()`` / ``.last()`` / ``.earliest()`` / ``.latest()`` on a queryset of such
     a model filtered by its key (``.filter(pk=pk, …).first()``).

   The model is read from where the chain starts: a model or a module-level queryset
   or manager. A chain that starts anywhere else (a parameter, a local variable, what
   a function returns) counts as a lookup too: a views module may not hide a fetch by
   key behind a variable. Reads of related rows that are not by key
   (``Pledge.objects.filter(predecessor=pledge).first()``) are not lookups, and models
   without a municipality (``Indicator``, ``Report``) are looked up as usual.

2. **Roles.** No module of the apps but ``councils/access.py`` compares membership
   roles or reads the grant table: no ``Role.X`` (``councils.models.Role``) in a
   comparison or a query, no query keyword on a membership's role (``role=`` /
   ``role__in=`` on ``Membership``, ``memberships__role…`` from elsewhere), no
   ``GRANTS`` or ``_granting`` outside access (the table itself lives in
   ``councils.grants``, imported by access alone). Who holds a capability is
   ``access.holders`` / ``access.holders_by_municipality``; writing a membership
   (``get_or_create(role=role)``) and a council seat's role (``CouncilMember.Role``)
   are not comparisons.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import django.shortcuts
from django.apps import apps
from django.conf import settings
from django.db.models import Manager, Model, QuerySet

from councils import access, history
from councils.models import County, Municipality, Organisation
from tests.apps import FEATURE_APPS

ROOT = Path(settings.BASE_DIR)
APPS = list(FEATURE_APPS)
KIT = ROOT / "councils" / "access.py"

# --- 1. lookups in views ---------------------------------------------------------------

#: queryset methods a chain passes through on its way to the fetch
CHAIN = {
    "objects",
    "_default_manager",
    "all",
    "filter",
    "exclude",
    "select_related",
    "prefetch_related",
    "annotate",
    "alias",
    "order_by",
    "only",
    "defer",
    "values",
    "values_list",
    "distinct",
    "select_for_update",
    "using",
}
ONE_OF_MANY = {"first", "last", "earliest", "latest"}
BY_KEY = {"pk", "id", "pk__exact", "id__exact"}
SHORTCUTS = {django.shortcuts.get_object_or_404, django.shortcuts.get_list_or_404}
UNKNOWN = object()


def has_shared_lookup(model) -> bool:
    return hasattr(model, "municipality_path") or model in (Municipality, County, Organisation)


def _unwind(node: ast.AST) -> tuple[ast.AST, list[ast.AST]]:
    """Where a chain of queryset methods starts, and its links from there out."""
    links = []
    while True:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in CHAIN
        ):
            links.append(node)
            node = node.func.value
        elif isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager"):
            links.append(node)
            node = node.value
        else:
            return node, links[::-1]


def _value(node: ast.AST, namespace: dict):
    """The object a name or dotted name stands for in the module, else UNKNOWN."""
    if isinstance(node, ast.Name):
        return namespace.get(node.id, UNKNOWN)
    if isinstance(node, ast.Attribute):
        owner = _value(node.value, namespace)
        return UNKNOWN if owner is UNKNOWN else getattr(owner, node.attr, UNKNOWN)
    return UNKNOWN


def _model(root: ast.AST, namespace: dict):
    """The model a chain starting at ``root`` reads, or None when it cannot be told."""
    found = _value(root, namespace)
    if isinstance(found, QuerySet | Manager):
        return found.model
    if isinstance(found, type) and issubclass(found, Model):
        return found
    return None


def _keywords(links: list[ast.AST]) -> set[str]:
    return {k.arg for link in links if isinstance(link, ast.Call) for k in link.keywords}


def hand_lookups(source: str, namespace: dict, filename: str = "<snippet>") -> list[str]:
    """``file:line: code`` for every lookup of a row that bypasses councils.access."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if _value(func, namespace) in SHORTCUTS and node.args:
            root, _links = _unwind(node.args[0])
        elif isinstance(func, ast.Attribute) and func.attr == "get":
            root, links = _unwind(func.value)
            if not links and not node.keywords and _model(root, namespace) is None:
                continue  # a dict's or a session's get
        elif isinstance(func, ast.Attribute) and func.attr in ONE_OF_MANY:
            root, links = _unwind(func.value)
            if not _keywords(links) & BY_KEY:
                continue  # a related read, not a lookup by key
        else:
            continue
        model = _model(root, namespace)
        if model is None or has_shared_lookup(model):
            found.append(f"{filename}:{node.lineno}: {ast.unparse(node)[:100]}")
    return sorted(found, key=lambda line: int(line.split(":")[1]))


def _view_modules() -> list[str]:
    names = []
    for app in APPS:
        folder = ROOT / app
        if (folder / "views.py").exists():
            names.append(f"{app}.views")
        names += [f"{app}.views.{path.stem}" for path in sorted(folder.glob("views/*.py"))]
    return names


def test_views_look_objects_up_through_access():
    found = []
    for name in _view_modules():
        module = importlib.import_module(name)
        path = Path(module.__file__)
        found += hand_lookups(
            path.read_text(encoding="utf-8"), vars(module), str(path.relative_to(ROOT))
        )
    assert not found, (
        "Look the object up with councils.access.get_object_or_404(user, queryset, "
        "capability, pk=…): 404 for what does not exist and for what is not theirs:\n"
        + "\n".join(found)
    )


def test_the_lookup_gate_reads_every_views_module():
    names = set(_view_modules())
    assert {
        "councils.views.councils",
        "agreements.views.agreements",
        "agreements.views.pictures",
        "pledges.views.editor",
        "pledges.views.activities",
        "pledges.views.review",
        "followup.views.entries",
        "followup.views.indicators",
        "followup.views.reports",
    } <= names


# --- 2. roles and the grant table outside access ---------------------------------------

QUERIES = {"filter", "exclude", "get", "Q"}
#: where the grant table lives (councils.grants) and the one module that reads it
GRANT_MODULES = ("councils.access", "councils.grants")


def _role_names(tree: ast.AST) -> set[str]:
    """The names ``councils.models.Role`` is imported under."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "councils.models"
        for alias in node.names
        if alias.name == "Role"
    }


def _access_names(tree: ast.AST) -> set[str]:
    """The names ``councils.access`` is imported under."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "councils":
            names |= {a.asname or a.name for a in node.names if a.name == "access"}
        elif isinstance(node, ast.Import):
            names |= {a.asname for a in node.names if a.name == "councils.access" and a.asname}
    return names


def _names_a_role(node: ast.AST, roles: set[str]) -> bool:
    """``Role.X``, or a literal collection holding one."""
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_names_a_role(item, roles) for item in node.elts)
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in roles
    )


def _membership_role_keyword(keyword: str, call: ast.Call) -> bool:
    parts = keyword.split("__")
    if "role" not in parts:
        return False
    at = parts.index("role")
    if at > 0:
        return parts[at - 1] in ("memberships", "membership")
    if not isinstance(call.func, ast.Attribute):
        return False
    root, _links = _unwind(call.func.value)
    return (isinstance(root, ast.Name) and root.id == "Membership") or (
        isinstance(root, ast.Attribute) and root.attr == "memberships"
    )


def role_comparisons(source: str, filename: str = "<snippet>") -> list[str]:
    """``file:line: code`` for every comparison of membership roles and every read of
    the grant table."""
    tree = ast.parse(source, filename=filename)
    roles, access_names = _role_names(tree), _access_names(tree)
    found = []

    def add(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            if any(_names_a_role(side, roles) for side in [node.left, *node.comparators]):
                add(node, ast.unparse(node))
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in QUERIES:
                continue
            for keyword in node.keywords:
                if keyword.arg and (
                    _membership_role_keyword(keyword.arg, node)
                    or _names_a_role(keyword.value, roles)
                ):
                    add(keyword, f"{keyword.arg}={ast.unparse(keyword.value)}")
        elif isinstance(node, ast.ImportFrom) and node.module in GRANT_MODULES:
            for alias in node.names:
                if alias.name in ("GRANTS", "_granting"):
                    add(node, f"from {node.module} import {alias.name}")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in ("GRANTS", "_granting")
            and isinstance(node.value, ast.Name)
            and node.value.id in access_names
        ):
            add(node, ast.unparse(node))
    return sorted(found, key=lambda line: int(line.split(":")[1]))


def _app_files():
    for app in [*APPS, "config"]:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts and path != KIT:
                yield path


def test_only_access_compares_roles():
    found = []
    for path in _app_files():
        found += role_comparisons(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, (
        "Ask councils.access (can, holders, holders_by_municipality, counties_for…) "
        "instead of comparing membership roles or reading GRANTS:\n" + "\n".join(found)
    )


def test_the_role_gate_reads_the_app_code():
    files = {str(path.relative_to(ROOT)) for path in _app_files()}
    assert {"pledges/services.py", "followup/reminders.py", "followup/dashboard.py"} <= files
    assert "councils/access.py" not in files


# --- each model's path to its municipality ---------------------------------------------


def _models_with_a_path():
    return [m for m in apps.get_models() if getattr(m, "municipality_path", None)]


def test_every_municipality_path_leads_to_a_municipality():
    assert len(_models_with_a_path()) >= 15
    for model in _models_with_a_path():
        current = model
        for name in model.municipality_path.split("__"):
            current = current._meta.get_field(name).related_model
        assert current is Municipality, f"{model.__name__}.municipality_path"
        assert access.municipality_path(model) == model.municipality_path


def test_every_record_with_a_history_page_has_a_shared_lookup():
    """/history/<model>/<pk>/ looks its record up through access."""
    missing = [label for label, model in history.TRACKED.items() if not has_shared_lookup(model)]
    assert not missing, f"Declare municipality_path (InMunicipality) on: {missing}"


# --- the gates catch the old patterns --------------------------------------------------

OLD_VIEWS = """
from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from councils import access
from councils.access import Capability
from councils.models import County
from pledges.models import Activity, Pledge


def recordable_activities(user):
    return Activity.objects.filter(deleted_at__isnull=True)


def _pledge(user, pk, capability=Capability.INTERNAL):
    pledge = (
        Pledge.objects.select_related("municipality")
        .filter(pk=pk, municipality__in=access.municipalities_for(user, capability))
        .first()
    )
    if pledge is None:
        raise Http404
    return pledge


def _child(model, user, pk):
    obj = model.objects.select_related("agreement").filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _get(queryset, pk):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _activity(user, pk):
    return recordable_activities(user).select_related("pledge").filter(pk=pk).first()


def _fresh_activity(pk):
    return Activity.objects.select_related("pledge").prefetch_related("themes").get(pk=pk)


def _check_access(object_id, user):
    county = County.objects.filter(pk=object_id).first()
    row = Pledge.objects.filter(pk=object_id).values("municipality_id").first()
    return get_object_or_404(Pledge, pk=object_id), county, row


def record_history(request, label, pk):
    model = TRACKED.get(label)
    return model.objects.filter(pk=pk).first() if model else None
"""

NEW_VIEWS = """
from __future__ import annotations

from django.shortcuts import get_object_or_404

from councils import access
from councils.access import Capability
from followup.models import FollowUp, Indicator, Report
from pledges.models import Activity, Pledge

PLEDGES = Pledge.objects.select_related("municipality")
ACTIVITY_ROWS = Activity.objects.select_related("pledge").prefetch_related("themes")


def pledge_detail(request, pk):
    pledge = access.get_object_or_404(request.user, PLEDGES, Capability.READ, pk=pk)
    row = access.get_object_or_404(request.user, ACTIVITY_ROWS, Capability.INTERNAL, pk=pk)
    county = access.get_county_or_404(request.user, code=request.GET.get("county"))
    successor = Pledge.objects.filter(predecessor=pledge).first()
    latest = FollowUp.objects.filter(activity=row).order_by("-period_end").first()
    indicator = Indicator.objects.filter(pk=pk).first() or get_object_or_404(Indicator, pk=pk)
    report = Report.objects.get(kind="agreement", object_id=pk)
    current = pledge.municipality.situational_pictures.filter(is_current=True).first()
    return request.session.get("x"), county, successor, latest, indicator, report, current
"""


def _namespace(source: str) -> dict:
    namespace: dict = {}
    exec(compile(source, "<snippet>", "exec"), namespace)  # noqa: S102 (our own snippet)
    return namespace


def test_the_lookup_gate_catches_hand_written_lookups():
    found = [line.split(": ", 1)[1] for line in hand_lookups(OLD_VIEWS, _namespace(OLD_VIEWS))]
    assert [line.split("(", 1)[0] for line in found] == [
        "Pledge.objects.select_related",  # _pledge: .filter(pk=…).first()
        "model.objects.select_related",  # _child: a model passed in
        "queryset.filter",  # _get: a queryset passed in
        "recordable_activities",  # _activity: a queryset a function returns
        "Activity.objects.select_related",  # _fresh_activity: .get(pk=…)
        "County.objects.filter",  # a county by key
        "Pledge.objects.filter",  # .values().first() is a lookup all the same
        "get_object_or_404",  # Django's shortcut on a model with a shared lookup
        "model.objects.filter",  # record_history's generic lookup
    ]


def test_the_lookup_gate_passes_access_lookups_and_related_reads():
    assert hand_lookups(NEW_VIEWS, _namespace(NEW_VIEWS)) == []


OLD_ROLES = """
from django.db.models import Q

from councils import access
from councils.access import GRANTS
from councils.grants import _granting
from councils.models import Membership, Organisation, Role, User


def _county_roles():
    return [
        role
        for (kind, role), caps in access.GRANTS.items()
        if kind == Organisation.Kind.COUNTY_BOARD and access.Capability.READ in caps
    ]


def may_open(user, county):
    return Membership.objects.filter(
        user=user, organisation__county=county, role__in=_county_roles()
    ).exists()


def editors_of(pledge):
    return User.objects.filter(
        is_active=True,
        memberships__role=Role.COORDINATOR,
        memberships__organisation__municipality_id=pledge.municipality_id,
    )


def reviewers_of(pledge):
    return User.objects.filter(Q(memberships__role__in=[Role.POLICE_LIAISON]), is_active=True)


def coordinators():
    return Membership.objects.filter(role=Role.COORDINATOR).values_list("user_id", flat=True)


def is_admin(user, organisation):
    mine = user.memberships.filter(organisation=organisation, role="org_admin")
    return any(m.role == Role.ORG_ADMIN for m in mine) or mine.exists()
"""

NEW_ROLES = """
from councils import access
from councils.access import Capability
from councils.models import CouncilMember, Membership, ROLES_BY_KIND, Role


def editors_of(pledge):
    return list(access.holders(Capability.EDIT, pledge.municipality_id))


def membership_grant(*, user, organisation, role):
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise ValueError(role)
    return Membership.objects.get_or_create(user=user, organisation=organisation, role=role)


DEMO = [("Hemby kommun", Role.COORDINATOR)]


def chairs(council):
    order = {CouncilMember.Role.CHAIR: 0}
    return council.members.filter(role=CouncilMember.Role.CHAIR), order
"""


def test_the_role_gate_catches_roles_compared_by_hand():
    found = [line.split(": ", 1)[1] for line in role_comparisons(OLD_ROLES)]
    assert found == [
        "from councils.access import GRANTS",
        "from councils.grants import _granting",
        "access.GRANTS",
        "role__in=_county_roles()",
        "memberships__role=Role.COORDINATOR",
        "memberships__role__in=[Role.POLICE_LIAISON]",
        "role=Role.COORDINATOR",
        "role='org_admin'",
        "m.role == Role.ORG_ADMIN",
    ]


def test_the_role_gate_passes_holders_writes_and_council_seats():
    assert role_comparisons(NEW_ROLES) == []
