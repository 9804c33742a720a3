"""Jinja2 rendering of the dashboard's templates and the choice of interface language."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from servio.report.numbers import day_text, percent_text, turn_number
from servio.web.i18n import LANGUAGES, pick_language, strings
from servio.web.pages import stage_list

if TYPE_CHECKING:
    import jinja2
    from fastapi import Request

LANG_COOKIE = "servio_lang"


def language_of(request: Request) -> str:
    """``?lang=``, else the language cookie, else the browser's first choice, else Estonian."""
    accept = request.headers.get("accept-language", "")
    first = accept.split(",")[0].strip() if accept else None
    return pick_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE), first)


class Renderer:
    """Renders a page template with the interface strings, the stages and links under ``prefix``."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    @cached_property
    def env(self) -> jinja2.Environment:
        import jinja2

        env = jinja2.Environment(loader=jinja2.PackageLoader("servio.web", "templates"),
                                 autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True,
                                 lstrip_blocks=True, undefined=jinja2.StrictUndefined)
        env.globals["prefix"] = self.prefix
        env.filters["turn_no"] = turn_number  # turn numbers people read start at 1; ids and URLs keep 0
        env.filters["day_text"] = day_text  # days as the page's language writes them
        env.filters["percent"] = percent_text  # "33 %" in Estonian, "33%" in English
        from servio.report.html import whole_dates

        env.filters["whole_dates"] = whole_dates  # an ISO date in a caption stays on one line
        return env

    def page(self, template: str, *, lang: str, query: Iterable[tuple[str, str]] = (), **context: Any) -> str:
        """The HTML of ``template`` in ``lang``; ``query`` is the page's query string, which the language
        links keep (changing only ``lang``: a filtered page stays filtered in the other language)."""
        t = strings(lang)
        kept = [(k, v) for k, v in query if k != "lang"]
        lang_links = {code: "?" + urlencode([*kept, ("lang", code)]) for code in LANGUAGES}
        return self.env.get_template(template).render(t=t, lang=lang, stages=stage_list(lang),
                                                      lang_links=lang_links, **context)
