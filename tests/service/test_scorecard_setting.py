"""The ``scorecard`` setting: the service's store and live hints score with it; a bad file stops
``servio serve`` with one clear error before anything listens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.service import create_app

from .conftest import make_settings

NO_VALUES = "name = \"Ilma väärtusteta\"\nextends = \"default\"\n" + "".join(
    f"[weights.{t}]\nvalues = 0\n" for t in ("support", "sales", "complaint", "information"))


def _card(tmp_path: Path) -> Path:
    path = tmp_path / "card.toml"
    path.write_text(NO_VALUES, "utf-8")
    return path


def _live_overall(app: Any) -> tuple[float, Any]:
    """The overall score live hints give a short sales chat, and the session that gave it."""
    app.state.store.migrate()
    user, token = app.state.store.create_user("root", "admin")
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        sid = client.post("/live/sessions", json={"language": "en", "contact_type": "sales"},
                          headers=headers).json()["id"]
        for speaker, text in (("agent", "Hi, I'm Kati! How can I help?"),
                              ("customer", "I need a new phone plan."),
                              ("agent", "What matters most to you: the price or more data?")):
            answer = client.post(f"/live/sessions/{sid}/turns", headers=headers,
                                 json={"speaker": speaker, "text": text})
            assert answer.status_code == 200
    return answer.json()["overall"], app.state.live.get(sid, f"user:{user.id}")


def test_the_store_and_live_hints_score_with_the_setting(tmp_path: Path) -> None:
    own = create_app(make_settings(database_url=f"sqlite:///{tmp_path / 'own.db'}",
                                   scorecard=str(_card(tmp_path))))
    default = create_app(make_settings(database_url=f"sqlite:///{tmp_path / 'default.db'}"))
    assert own.state.store.scorecard.name == "Ilma väärtusteta"
    overall, session = _live_overall(own)
    assert session.scorecard is own.state.store.scorecard
    assert overall != _live_overall(default)[0]  # the values stage counts only in the default


def test_without_the_setting_the_default_scores(tmp_path: Path) -> None:
    app = create_app(make_settings(database_url=f"sqlite:///{tmp_path / 's.db'}"))
    assert app.state.store.scorecard is None and app.state.live.scorecard is None


@pytest.mark.parametrize(("text", "message"), [
    ("name = \"x\"\n[weights.support]\nnedds = 1\n", "unknown stage 'nedds'"),
    (None, "cannot read scorecard"),
])
def test_serve_with_a_bad_scorecard_is_one_clear_error(tmp_path: Path, monkeypatch: Any, capsys: Any,
                                                       text: str | None, message: str) -> None:
    from servio.cli import main

    path = tmp_path / "ours.toml"
    if text is not None:
        path.write_text(text, "utf-8")
    monkeypatch.setenv("SERVIO_SCORECARD", str(path))
    monkeypatch.setenv("SERVIO_LIVE_WARM_UP", "false")
    assert main(["serve", "--database", f"sqlite:///{tmp_path / 's.db'}", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"servio: error: scorecard setting: {path}") and message in err
    assert "Traceback" not in err
