"""Settings from keywords, the environment and a TOML file; refusal of unsafe defaults; CORS."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from servio.service import Settings, UnsafeSettingsError, create_app, load_settings
from servio.service.settings import DEFAULT_SECRET
from tests.service.conftest import make_settings

GOOD_SECRET = "x" * 40


def test_defaults_are_safe_for_development() -> None:
    s = Settings()
    assert s.mode == "development" and s.database_url == "sqlite:///./servio.db"
    assert s.origins == [] and s.redact is True
    assert s.secret_key.get_secret_value() == DEFAULT_SECRET
    assert DEFAULT_SECRET not in repr(s)


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVIO_DATABASE_URL", "postgresql://servio@db/servio")
    monkeypatch.setenv("SERVIO_MODE", "production")
    monkeypatch.setenv("SERVIO_SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("SERVIO_RATE_LIMIT_PER_MINUTE", "5")
    monkeypatch.setenv("SERVIO_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("SERVIO_REDACT", "false")
    s = Settings()
    assert s.database_url == "postgresql://servio@db/servio" and s.mode == "production"
    assert s.secret_key.get_secret_value() == GOOD_SECRET
    assert s.rate_limit_per_minute == 5 and s.redact is False
    assert s.origins == ["https://a.example", "https://b.example"]
    assert Settings(cors_origins=["https://c.example"]).origins == ["https://c.example"]


def test_toml_file_below_environment_below_keywords(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "servio.toml"
    path.write_text('database_url = "sqlite:///file.db"\nport = 9000\nmax_json_depth = 10\n', "utf-8")
    s = load_settings(path)
    assert (s.database_url, s.port, s.max_json_depth) == ("sqlite:///file.db", 9000, 10)
    monkeypatch.setenv("SERVIO_PORT", "9100")
    assert load_settings(path).port == 9100
    assert load_settings(path, port=9200).port == 9200
    monkeypatch.setenv("SERVIO_CONFIG_FILE", str(path))
    assert load_settings().database_url == "sqlite:///file.db"


def test_bad_files_and_values_are_refused(tmp_path: Path) -> None:
    from pydantic import ValidationError

    with pytest.raises(FileNotFoundError):
        load_settings(tmp_path / "missing.toml")
    typo = tmp_path / "typo.toml"
    typo.write_text('databse_url = "x"\n', "utf-8")
    with pytest.raises(ValidationError):
        load_settings(typo)
    with pytest.raises(ValidationError):
        Settings(mode="staging")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Settings(max_upload_bytes=10)


def test_production_refuses_the_default_or_a_short_secret() -> None:
    with pytest.raises(UnsafeSettingsError, match="default secret"):
        create_app(make_settings(mode="production"))
    with pytest.raises(UnsafeSettingsError, match="at least"):
        create_app(make_settings(mode="production", secret_key="short"))
    create_app(make_settings(mode="production", secret_key=GOOD_SECRET))
    create_app(make_settings())  # development accepts the default


def test_development_mode_serves_this_machine_only() -> None:
    for host in ("0.0.0.0", "192.168.1.20", "::", "servio.example.com"):
        with pytest.raises(UnsafeSettingsError, match=f"refusing to listen on {host} in development"):
            create_app(make_settings(host=host))
    for host in ("127.0.0.1", "127.0.1.1", "localhost", "::1"):
        create_app(make_settings(host=host))
    create_app(make_settings(host="0.0.0.0", mode="production", secret_key=GOOD_SECRET))


def test_open_dashboard_only_in_development(tmp_path: Path) -> None:
    with pytest.raises(UnsafeSettingsError, match="open dashboard"):
        create_app(make_settings(mode="production", secret_key=GOOD_SECRET, open_dashboard=True))
    with TestClient(create_app(make_settings())) as client:
        home = client.get("/", follow_redirects=False)
        assert home.status_code in (302, 303, 307) and home.headers["location"] == "/ui/team"
        closed = client.get("/ui/team", follow_redirects=False)
        assert closed.status_code == 303 and closed.headers["location"].startswith("/ui/login")
    with TestClient(create_app(make_settings(open_dashboard=True, auto_migrate=True,
                                             database_url=f"sqlite:///{tmp_path / 'd.db'}")),
                    base_url="http://127.0.0.1:8000") as client:
        opened = client.get("/ui/team")
        assert opened.status_code == 200 and "<main" in opened.text and "login" not in str(opened.url)
        # DNS rebinding: another site's name pointed at this machine does not reach the open dashboard
        rebound = client.get("/ui/team", headers={"Host": "attacker.example:8000"})
        assert rebound.status_code == 400 and "<main" not in rebound.text
        assert client.get("/health", headers={"Host": "localhost:8000"}).status_code == 200


def test_cors_is_off_by_default_and_on_when_configured() -> None:
    asked = {"Origin": "https://qa.example", "Access-Control-Request-Method": "GET"}
    with TestClient(create_app(make_settings())) as client:
        response = client.options("/health", headers=asked)
        assert "access-control-allow-origin" not in response.headers
        assert "access-control-allow-origin" not in client.get("/health", headers=asked).headers
    with TestClient(create_app(make_settings(cors_origins="https://qa.example"))) as client:
        response = client.options("/health", headers=asked)
        assert response.headers["access-control-allow-origin"] == "https://qa.example"
        other = client.options("/health", headers={**asked, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_nothing_is_created_at_import() -> None:
    import importlib

    import servio.service.app as app_module

    importlib.reload(app_module)
    assert not [
        name
        for name, value in vars(app_module).items()
        if type(value).__name__ in ("FastAPI", "Store", "Settings", "Engine")
    ]


@pytest.mark.parametrize("mode", ["development", "production"])
def test_unexpected_errors_are_500_with_a_reference(mode: str) -> None:
    class Broken:
        dialect = "sqlite"

        def user_by_token(self, token: str) -> None:
            raise RuntimeError("the disk is on fire")

    app = create_app(make_settings(mode=mode, secret_key=GOOD_SECRET), store=Broken())  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/me", headers={"Authorization": "Bearer servio_x.y"})
    assert response.status_code == 500
    body = response.json()
    assert body["detail"] == f"internal error (reference {body['reference']})"
    assert "disk is on fire" not in response.text and "RuntimeError" not in response.text  # in no mode


def test_dashboard_reads_nothing_before_sign_in(tmp_path: Path) -> None:
    # an unmigrated database: any read would fail, so a redirect proves nothing was read
    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}")
    with TestClient(create_app(settings)) as client:
        for path in ("/ui/team", "/ui/conversations", "/ui/conversations/x", "/ui/agents/kati", "/ui/import",
                     "/ui/live"):
            response = client.get(path, follow_redirects=False)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/ui/login"), path


@pytest.mark.parametrize(("mode", "value", "policy"), [
    ("production", None, "always"), ("development", None, "auto"), ("production", "never", "never"),
    ("production", "auto", "auto"), ("development", "always", "always")])
def test_the_cookie_policy_is_the_setting_else_the_modes_default(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mode: str, value: str | None, policy: str) -> None:
    if value is not None:
        monkeypatch.setenv("SERVIO_COOKIE_SECURE", value)
    assert Settings(mode=mode).cookie_policy == policy
    monkeypatch.delenv("SERVIO_COOKIE_SECURE", raising=False)
    if value is not None:  # the TOML file says it too
        config = tmp_path / "servio.toml"
        config.write_text(f'cookie_secure = "{value}"\n', encoding="utf-8")
        assert load_settings(config, mode=mode).cookie_policy == policy


def test_a_cookie_policy_that_is_none_of_the_three_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVIO_COOKIE_SECURE", "yes")
    with pytest.raises(ValueError, match="cookie_secure"):
        Settings()


@pytest.mark.parametrize(("options", "said"), [
    ({}, "set SERVIO_COOKIE_SECURE=never"),  # production's default: always
    ({"cookie_secure": "always"}, None),  # said on purpose
    ({"cookie_secure": "never"}, None),
    ({"cookie_secure": "auto"}, "list it in SERVIO_TRUSTED_PROXIES"),
    ({"cookie_secure": "auto", "trusted_proxies": "10.0.0.2"}, None),
])
def test_servio_serve_in_production_says_what_the_secure_cookie_needs(options: dict[str, str],
                                                                     said: str | None) -> None:
    """Plain HTTP in production with a Secure cookie would be a sign-in that does not stick; servio cannot
    see at start-up whether a TLS proxy is in front, so it says it (tests/service/test_run.py: printed)."""
    from servio.service.app import cookie_notice

    settings = Settings(mode="production", secret_key=GOOD_SECRET, **options)
    notice = cookie_notice(settings)
    assert (notice is None) if said is None else (notice is not None and said in notice)
    assert cookie_notice(settings, tls=True) is None  # served over HTTPS by uvicorn itself
    assert cookie_notice(Settings(**options)) is None  # development


def test_an_unknown_tagger_is_refused_at_start_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """servio serve refuses SERVIO_TAGGER=fast as servio import --tagger fast does: it started, said ok on
    /health, and every import then stored nothing and every live session answered 500 (audit 19c, M2)."""
    from servio.cli import main

    with pytest.raises(ValueError, match=r"(?s)tagger.*unknown tagger 'fast' \(available: learned, rules"):
        Settings(tagger="fast")
    config = tmp_path / "servio.toml"
    config.write_text('tagger = "fast"\n', "utf-8")
    with pytest.raises(ValueError, match="unknown tagger 'fast'"):
        load_settings(config)
    assert Settings(tagger="rules").tagger == "rules"
    monkeypatch.setenv("SERVIO_TAGGER", "fast")
    monkeypatch.setenv("SERVIO_DATABASE_URL", f"sqlite:///{tmp_path / 'never.db'}")
    assert main(["serve", "--port", "8799"]) == 2
    err = capsys.readouterr().err
    assert "bad setting: tagger: " in err and "unknown tagger 'fast' (available: learned, rules)" in err
    assert not (tmp_path / "never.db").exists()
