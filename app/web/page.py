"""The module ``solara run`` serves (see :mod:`app.__main__`): the page of :mod:`app.page`.

It sits one folder below ``app/`` because Solara looks for page templates in the folder above the
served module's own, so from here it finds ``app/templates/``: the page's loading screen, tab title
and Solara's own messages in the page's language.
"""

from app.page import Page

__all__ = ["Page"]
