"""The sign-in page speaks to the people who sign in (audit 18, m5): it named the API's ``POST /users`` and
``servio serve`` to trainers. It says to ask the administrator, who makes keys on the Users page; the first
admin's token and where to use it are in the server's start-up output, which only an admin sees."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from servio.examples import example_gold_path
from servio.web.demo import demo_app


@pytest.mark.parametrize(("lang", "ask", "page"), [("en", "Ask your administrator", "Users page"),
                                                   ("et", "pöördu administraatori poole", "„Kasutajad”")])
def test_the_sign_in_page_tells_to_ask_the_administrator(lang: str, ask: str, page: str) -> None:
    with TestClient(demo_app([example_gold_path()])) as client:
        html = client.get(f"/ui/login?lang={lang}").text
    help_text = html.split('id="token-help"', 1)[1].split("</p>", 1)[0]
    assert ask in help_text and page in help_text
    for api_words in ("POST /users", "servio serve", "/users"):
        assert api_words not in help_text


def test_the_start_up_output_tells_the_first_admin_where_to_sign_in(
        tmp_path: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from servio.service import Settings
    from servio.service import app as app_module
    from servio.service.app import run

    monkeypatch.setattr(app_module, "serve", lambda *a, **k: None)  # the output before serving, not a server
    run(Settings(database_url=f"sqlite:///{tmp_path}/first.db", mode="development", live_warm_up=False,
                 port=8799))
    err = capsys.readouterr().err
    assert "created user 'admin'" in err
    assert "http://127.0.0.1:8799/ui/login" in err and "Users page" in err
