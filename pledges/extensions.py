"""Sections that higher apps add to the pledge page (``councils.panels.Registry``).

The pledge page belongs to pledges, which imports no higher app. A higher app
registers a section in its AppConfig.ready(): a template and a function that builds
its context for (request, pledge), or None to show nothing. The template gets it as
``extension``; sections render after the pledge's state, in registration order.
"""

from __future__ import annotations

from councils.panels import Registry

PLEDGE_PAGE = Registry()
register = PLEDGE_PAGE.register
render_context = PLEDGE_PAGE.render_context

#: sections on the page of a version shared for review (``councils.sharing``)
SHARED_PAGE = Registry()

#: boxes on the municipality's and the pledge's public pages, for (request, municipality)
#: where ``municipality`` is a ``PublicMunicipality``; the template is included with the
#: page's context
PUBLIC_PAGES = Registry()
register_public_panel = PUBLIC_PAGES.register
