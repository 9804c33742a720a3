"""One Estonian word for a team throughout the dashboard (dashboard audit F13): the Users page said
"tiim"/"tiimijuht" where every other page and the reports say "meeskond" ("Meeskond", "meeskonna
ülevaade", "meeskond Tallinn"), so an admin could not tell whether a "tiimijuht" led a "meeskond".
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources

from fastapi.testclient import TestClient


def _et() -> dict[str, str]:
    return tomllib.loads(resources.files("servio.web.i18n").joinpath("et.toml").read_text("utf-8"))


def test_no_dashboard_string_says_tiim() -> None:
    said = {k: v for k, v in _et().items() if re.search(r"tiim", v, re.I)}
    assert said == {}


def test_the_team_lead_role_and_the_users_team_field_say_meeskond() -> None:
    et = _et()
    assert et["role_team_lead"] == "meeskonnajuht"
    assert et["users_team"] == "Meeskond" and et["filter_team"] == "Meeskond"
    assert "meeskond" in et["users_links"]


def test_the_users_page_in_estonian_says_meeskond(store: object) -> None:
    from tests.web.conftest import sign_in, store_app

    _, token = store.create_user("root", "admin")  # type: ignore[attr-defined]
    store.create_user("lea", "team_lead", team="North")  # type: ignore[attr-defined]
    with TestClient(store_app(store), raise_server_exceptions=False) as client:
        page = sign_in(client, token).get("/ui/users?lang=et").text
    assert "tiim" not in page.lower()
    assert "meeskonnajuht" in page and "Teenindaja tunnus / meeskond" in page


def test_the_incomplete_notice_and_the_guest_read_as_estonian() -> None:
    # audit 19a m11: "et vestlus saaks täielikult hinnatud" is colloquial; the open dashboard's user was
    # "guest" in English ("Sisse logitud: guest (hindaja)")
    et = _et()
    for key in ("incomplete_one", "incomplete_many"):
        assert "et vestlust saaks täielikult hinnata" in et[key] and "hinnatud" not in et[key]
    assert et["guest_name"] == "külaline"
