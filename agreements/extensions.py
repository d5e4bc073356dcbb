"""Sections that higher apps add to the agreement's pages (``councils.panels.Registry``).

The agreement page belongs to agreements, which imports no higher app. A higher app
registers a section in its AppConfig.ready(): a template and a function that builds its
context for (request, agreement), or None to show nothing. The template gets it as
``extension``; sections render after the agreement's content, in registration order.
"""

from __future__ import annotations

from councils.panels import Registry

AGREEMENT_PAGE = Registry()
register = AGREEMENT_PAGE.register
render_context = AGREEMENT_PAGE.render_context

#: sections on the page of a version shared for signature (``councils.sharing``)
SHARED_PAGE = Registry()

#: what higher apps add under a lägesbild's mapping (kartläggning), for (request,
#: picture): the EST tertial analyses attached to it, as frozen snapshots
PICTURE_MAPPING = Registry()
register_picture = PICTURE_MAPPING.register
render_picture_context = PICTURE_MAPPING.render_context
