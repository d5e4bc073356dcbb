"""The county board's own analysis of a county's year: an introduction and a comment
per municipality, written by the county officers of the county's board
(``access.writes_county_analysis``), printed in the county summary PDF.

Saves carry the version the officer opened (``save_versioned``: a stale version is a
conflict); every save is kept in the records' history. Nothing is deleted: an empty
text is printed as nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from councils import access
from councils.concurrency import save_versioned
from councils.models import County, Municipality, User
from followup.models import CountyAnalysis, MunicipalityComment


def analysis_of(county: County, year: int) -> CountyAnalysis:
    """The stored analysis of (county, year), or a new unsaved one."""
    found = CountyAnalysis.objects.filter(county=county, year=year).first()
    return found or CountyAnalysis(county=county, year=year)


def comments_of(analysis: CountyAnalysis) -> dict[int, MunicipalityComment]:
    """municipality id -> the comment on it (none before the analysis is saved)."""
    if analysis.pk is None:
        return {}
    return {c.municipality_id: c for c in analysis.comments.all()}


def comment_of(analysis: CountyAnalysis, municipality: Municipality) -> MunicipalityComment:
    found = comments_of(analysis).get(municipality.pk)
    return found or MunicipalityComment(analysis=analysis, municipality=municipality)


def _require_writer(user: User, county: County) -> None:
    if not access.writes_county_analysis(user, county):
        raise PermissionDenied


def county_analysis_save(
    *, user: User, analysis: CountyAnalysis, expected_version: int | None
) -> CountyAnalysis:
    """Save the introduction (a new analysis is created at version 1)."""
    _require_writer(user, analysis.county)
    with transaction.atomic():
        save_versioned(analysis, expected_version=expected_version, user=user)
    return analysis


def municipality_comment_save(
    *, user: User, comment: MunicipalityComment, expected_version: int | None
) -> MunicipalityComment:
    """Save a comment on a municipality of the analysis's county; the analysis is
    created (empty) if it was not saved before."""
    analysis = comment.analysis
    _require_writer(user, analysis.county)
    if comment.municipality.county_id != analysis.county_id:
        raise PermissionDenied
    with transaction.atomic():
        if analysis.pk is None:
            analysis, _created = CountyAnalysis.objects.get_or_create(
                county=analysis.county, year=analysis.year
            )
            comment.analysis = analysis
        save_versioned(comment, expected_version=expected_version, user=user)
    return comment
