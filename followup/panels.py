"""What followup adds to other apps' pages (registered in ``FollowupConfig.ready``)."""

from __future__ import annotations

from django.db.models import DateTimeField, OuterRef

from councils import access
from councils.access import Capability
from followup.models import FollowUp, PledgeFollowUp
from followup.selectors import goal_progress
from pledges.public_cache import aggregate, register_pledge_page_part


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


def register_public_versions() -> None:
    """The published follow-ups of a pledge, in the version of its kept public page
    (``pledges.public_cache``): entries published or changed, and the pledge's own
    follow-up published."""

    def entries():
        rows = FollowUp.objects.filter(activity__pledge=OuterRef("pk"), published=True)
        return aggregate(rows, "SUM", "version")

    def entry_count():
        rows = FollowUp.objects.filter(activity__pledge=OuterRef("pk"), published=True)
        return aggregate(rows, "COUNT")

    def pledge_follow_up():
        rows = PledgeFollowUp.objects.filter(pledge=OuterRef("pk"), published_at__isnull=False)
        return aggregate(rows, "MAX", "published_at", DateTimeField())

    register_pledge_page_part("follow_up_versions", entries, models=[FollowUp])
    register_pledge_page_part("follow_up_count", entry_count, models=[FollowUp])
    register_pledge_page_part("pledge_follow_up", pledge_follow_up, models=[PledgeFollowUp])
