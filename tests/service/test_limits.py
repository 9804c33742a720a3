"""Upload size, JSON depth and request rate limits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.service import create_app
from servio.service.limits import TokenBucket, json_depth_exceeds
from tests.service.conftest import Users, make_settings


def test_json_depth_scanner() -> None:
    assert not json_depth_exceeds(b'{"a": [1, {"b": 2}]}', 3)
    assert json_depth_exceeds(b'{"a": [1, {"b": [2]}]}', 3)
    assert not json_depth_exceeds('{"a": "[[[[[[[[[[[[[[[[[["}', 2)  # brackets inside strings
    assert not json_depth_exceeds('{"a": "\\"[[[[[[[[[[["}', 2)  # escaped quote inside a string
    assert json_depth_exceeds("[" * 100 + "]" * 100, 32)


def test_json_depth_scanner_skips_strings_with_escaped_backslashes_and_counts_siblings_right() -> None:
    assert not json_depth_exceeds('{"a": "x\\\\", "b": "[[[[[[["}', 2)  # "x\\" ends at its second quote
    assert json_depth_exceeds('{"a": "x\\\\", "b": [[[[[[]]]]]]}', 2)
    assert not json_depth_exceeds(b"[" * 5 + b"]" * 5 + b"[" * 5 + b"]" * 5, 5)  # ten brackets, depth five
    assert json_depth_exceeds(b"[" * 6 + b"]" * 6, 5)
    assert not json_depth_exceeds(b"\xff" * 4096, 5)  # not UTF-8: no brackets, no depth


def test_token_bucket_refills_over_time() -> None:
    now = [0.0]
    bucket = TokenBucket(60, clock=lambda: now[0])
    assert all(bucket.take("k") == 0 for _ in range(60))
    wait = bucket.take("k")
    assert 0 < wait <= 1.0
    assert bucket.take("other") == 0  # buckets are per key
    now[0] += 1.0
    assert bucket.take("k") == 0
    assert bucket.take("k") > 0


def test_token_bucket_keeps_a_bounded_number_of_keys() -> None:
    bucket = TokenBucket(10, max_keys=100)
    for i in range(1000):
        bucket.take(f"k{i}")
    assert len(bucket._buckets) == 100


@pytest.fixture
def small_app_client() -> TestClient:
    app = create_app(make_settings(max_upload_bytes=2048, max_json_depth=5, rate_limit_per_minute=5))
    return TestClient(app)


def test_rate_limit_answers_429_with_retry_after(small_app_client: TestClient) -> None:
    codes = [small_app_client.get("/me").status_code for _ in range(7)]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    response = small_app_client.get("/me")
    assert int(response.headers["retry-after"]) >= 1
    other = small_app_client.get("/me", headers={"Authorization": "Bearer another-client"})
    assert other.status_code != 429  # another token has its own bucket
    assert small_app_client.get("/health").status_code in (200, 503)  # health is never limited


def test_too_large_bodies_are_413(small_app_client: TestClient) -> None:
    big = {"speaker": "agent", "text": "x" * 5000}
    response = small_app_client.post("/live/sessions/s/turns", json=big)
    assert response.status_code == 413
    raw = small_app_client.post("/imports", content=b"x" * 5000, headers={"content-type": "text/plain"})
    assert raw.status_code == 413
    # the limit as people write sizes and what to do, not only a byte count (dashboard audit F5)
    assert "2 KB (2048 bytes): split it into smaller files" in raw.json()["detail"]


def test_json_bodies_have_their_own_small_limit_before_any_scan() -> None:
    """A JSON body is a request, never an upload: over 1 MB it is refused at once, also on /health and
    without a token, even where uploads may be 50 MB (security audit S3: a 50 MB anonymous body held the
    event loop for seconds while its depth was scanned)."""
    from servio.service.limits import MAX_JSON_BYTES

    client = TestClient(create_app(make_settings(max_upload_bytes=50 * 1024 * 1024)))
    body = b"\xff" * (MAX_JSON_BYTES + 1)
    for path in ("/health", "/live/sessions"):
        answer = client.post(path, content=body, headers={"content-type": "application/json"})
        assert answer.status_code == 413, (path, answer.text)
        assert "JSON body is larger than the limit of 1024 KB" in answer.json()["detail"]
    ok = client.post("/live/sessions", content=b"{}", headers={"content-type": "application/json"})
    assert ok.status_code == 401  # a small body goes on to authentication


def test_the_413_names_the_limit_in_megabytes() -> None:
    from servio.service.limits import too_large

    limit = too_large(50 * 1024 * 1024)
    assert limit.startswith("the upload is larger than the limit of 50 MB (52428800 bytes)")


def test_streamed_uploads_without_a_length_are_counted(filled_store: Any, users: Users) -> None:
    app = create_app(make_settings(max_upload_bytes=4096), store=filled_store)

    def chunks() -> Iterator[bytes]:
        yield b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.jsonl"\r\n\r\n'
        for _ in range(10):
            yield b"y" * 1000
        yield b"\r\n--xyz--\r\n"

    with TestClient(app) as client:
        response = client.post(
            "/imports",
            content=chunks(),
            headers={**users.headers("admin"), "content-type": "multipart/form-data; boundary=xyz"},
        )
    assert response.status_code == 413, response.text
    assert filled_store.list_import_jobs() == []


def test_deep_json_is_400_before_parsing(small_app_client: TestClient) -> None:
    body = '{"speaker": "agent", "text": "hi", "x": ' + "[" * 50 + "]" * 50 + "}"
    response = small_app_client.post(
        "/live/sessions", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400 and "deeper" in response.json()["detail"]


def test_made_up_tokens_cannot_dodge_the_limit(small_app_client: TestClient,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # rate 5 a minute: one address may send at most 10 x 5 in all, whatever tokens it makes up; the clock
    # stands still, or on a busy machine the bucket refills while the 60 requests are sent (50 a minute)
    from servio.service import limits

    monkeypatch.setattr(limits, "now", lambda: 1000.0)
    codes = [
        small_app_client.get("/me", headers={"Authorization": f"Bearer made-up-{i}"}).status_code
        for i in range(60)
    ]
    assert codes.count(429) == 10 and all(c in (401, 429) for c in codes)


def test_websocket_query_tokens_are_their_own_bucket() -> None:
    from servio.service.limits import client_key

    scope = {
        "type": "websocket",
        "headers": [],
        "query_string": b"token=abc&language=et",
        "client": ("1.2.3.4", 1),
    }
    other = dict(scope, query_string=b"token=xyz")
    assert client_key(scope).startswith("t:") and client_key(scope) != client_key(other)
    assert client_key(dict(scope, query_string=b"")) == "ip:1.2.3.4"


def test_the_session_cookie_names_are_the_dashboards() -> None:
    from servio.service.limits import SECURE_SESSION_COOKIE, SESSION_COOKIE
    from servio.web.session_cookie import NAME, SECURE_NAME

    assert (SESSION_COOKIE, SECURE_SESSION_COOKIE) == (NAME, SECURE_NAME)


def test_dashboard_sessions_are_their_own_bucket() -> None:
    from servio.service.limits import client_key

    scope: dict[str, Any] = {"type": "http", "client": ("1.2.3.4", 1), "headers": [
        (b"cookie", b"servio_lang=et; servio_token=servio_session_a.b")]}
    other = dict(scope, headers=[(b"cookie", b'servio_token="servio_session_c.d"')])
    assert client_key(scope).startswith("s:") and client_key(scope) != client_key(other)
    assert client_key(dict(scope, headers=[(b"cookie", b"servio_lang=et; servio_token=")])) == "ip:1.2.3.4"
    bearer = dict(scope, headers=[*scope["headers"], (b"authorization", b"Bearer abc")])
    assert client_key(bearer).startswith("t:")  # a token names its user first


def test_anonymous_requests_do_not_hold_up_signed_in_dashboard_users(small_app_client: TestClient,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # security audit S10: 600 anonymous requests from one address put every dashboard user behind it at 429
    from servio.service import limits

    monkeypatch.setattr(limits, "now", lambda: 1000.0)
    anonymous = [small_app_client.get("/ui/login").status_code for _ in range(8)]
    assert anonymous.count(429) == 3  # rate 5 a minute
    cookie = {"Cookie": "servio_token=servio_session_abc.def"}
    signed_in = small_app_client.get("/ui/conversations", headers=cookie, follow_redirects=False)
    assert signed_in.status_code == 303  # on to sign in again (the session is made up), not 429
    # made-up cookies are bounded by the address, as made-up tokens are: 10 x 5 in all
    codes = [small_app_client.get("/ui/login", headers={"Cookie": f"servio_token=made-up-{i}"},
                                  follow_redirects=False).status_code for i in range(60)]
    assert codes.count(429) == 11  # 49 left of the address's 50 after the session's one


def test_sign_in_attempts_have_their_own_stricter_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    from servio.service import limits

    monkeypatch.setattr(limits, "now", lambda: 1000.0)
    client = TestClient(create_app(make_settings(rate_limit_per_minute=600)))
    codes = [client.post("/ui/login", data={"name": "x", "token": "y"}).status_code for _ in range(35)]
    assert codes.count(429) == 5 and 429 not in codes[:30]  # 600 // 20 = 30 a minute
    assert client.get("/ui/login").status_code == 200  # other pages are not held up
