"""A document edited section by section, in place: the one view of a section.

A page (an agreement, a pledge) shows its parts as sections, each a template partial
``section-<name>`` of the page's template. ``section_view`` answers one section's URL:

- GET with htmx and ``?display=1``: the section as shown (the editor's Cancel);
- GET: the section's form (with htmx ``components/section_form.html`` swapped in
  place of the section, without JavaScript ``components/section_page.html``);
- POST: saved through ``councils.editing.submit``: with htmx the section as shown,
  marked "Saved."; without, back to the page. An invalid form answers 400, a stale
  version 409 with the conflict table, both with the form again.

A document that cannot be changed now answers ``locked()`` to every edit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from councils import editing


@dataclass(frozen=True)
class Section:
    #: the heading of the section (also "Edit: <title>" above its form)
    title: str
    form: type[forms.BaseModelForm]


def section_view(
    request: HttpRequest,
    document: Any,
    section: str,
    sections: Mapping[str, Section],
    *,
    page: str,
    url_name: str,
    detail_url: str,
    context: Callable[..., dict],
    save: Callable[[forms.BaseModelForm], Any],
    fresh: Callable[[], Any],
    locked: Callable[[], HttpResponse],
) -> HttpResponse:
    """One section of ``document``: shown, edited or saved.

    - ``page``: the page's template, with a partial ``section-<name>`` per section;
    - ``url_name``: the URL of a section (arguments: the document's pk and the section);
    - ``detail_url``: the page's URL;
    - ``context(document, saved=False)``: what the page's partials need; with
      ``saved=True`` after a save (for what the page swaps out of band too);
    - ``save(form)``: the service call that saves the valid form;
    - ``fresh()``: the document looked up again after saving;
    - ``locked()``: the answer when the document cannot be changed now.
    """
    if section not in sections:
        raise Http404
    spec = sections[section]
    anchor = f"section-{section}"
    if request.method == "GET" and request.GET.get("display") and request.htmx:
        return render(request, f"{page}#{anchor}", context(document))
    if not getattr(document, "editable", True):
        return locked()
    form = spec.form(request.POST or None, instance=document)
    status, extra = 200, {}
    if request.method == "POST":
        outcome = editing.submit(form, lambda: save(form))
        if outcome.ok and request.htmx:
            return render(
                request, f"{page}#{anchor}", {**context(fresh(), saved=True), "saved": section}
            )
        if outcome.ok:
            messages.success(request, _("Saved."))
            return redirect(f"{detail_url}#{anchor}")
        status, extra = outcome.status, outcome.context
    section_url = reverse(url_name, args=[document.pk, section])
    template = "components/section_form.html" if request.htmx else "components/section_page.html"
    return render(
        request,
        template,
        {
            **context(document),
            **extra,
            "document": document,
            "section": section,
            "section_title": spec.title,
            "section_url": section_url,
            "detail_url": detail_url,
            "form": form,
        },
        status=status,
    )
