"""What followup adds to other apps' pages (registered in ``FollowupConfig.ready``)."""

from __future__ import annotations

from councils import access
from councils.access import Capability
from followup.selectors import goal_progress


def agreement_goals(request, agreement) -> dict | None:
    """The agreement page's panel: its goals against their indicators, with trends."""
    goals = list(agreement.goals.all())
    if not goals:
        return None
    progress = goal_progress(goals)
    return {
        "agreement": agreement,
        "goals": [(goal, progress.get(goal.pk)) for goal in goals],
        "can_edit": access.can(request.user, Capability.EDIT, agreement.municipality_id),
    }
