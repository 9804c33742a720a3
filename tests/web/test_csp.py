"""Every dashboard page works under its Content-Security-Policy in Chromium: no violation, scripts run.

A control injects an inline script on each page: it must be refused and the
refusal seen, so a page without the policy (or a test that cannot see
violations) fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import signed_in_page

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""
INJECT = """() => {
  window.__injected = false;
  const s = document.createElement("script");
  s.textContent = "window.__injected = true;";
  document.body.appendChild(s);
  return window.__injected;
}"""


@pytest.fixture()
def watched(page: Any) -> Iterator[tuple[Any, list[str]]]:
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(WATCH)
    yield page, console


def _open(page: Any, url: str) -> None:
    answer = page.goto(url)
    assert answer.ok, url
    policy = dict(d.strip().partition(" ")[::2] for d in answer.headers.get("content-security-policy", "")
                  .split(";") if d.strip())
    assert policy.get("frame-ancestors") == "'none'", policy
    scripts = policy.get("script-src", policy.get("default-src", "'unsafe-inline'"))
    assert "'unsafe-inline'" not in scripts and "*" not in scripts, policy
    assert answer.headers.get("cache-control") == "no-store"


def _no_violation_and_inline_refused(page: Any, console: list[str]) -> None:
    assert page.evaluate("window.__cspViolations") == [], page.url
    assert console == [], page.url
    assert page.evaluate(INJECT) is False  # the control: an injected inline script does not run ...
    page.wait_for_function("() => window.__cspViolations.length > 0")  # ... and its refusal is seen


def test_team_page_sorts_under_the_policy(watched: Any, base_url: str) -> None:
    page, console = watched
    _open(page, f"{base_url}/team?lang=en")
    page.locator("button.sort").first.click()
    assert page.locator("th[aria-sort=ascending], th[aria-sort=descending]").count() == 1
    _no_violation_and_inline_refused(page, console)


@pytest.mark.parametrize("path", ["/agents/kati", "/conversations", "/conversations?missing_stage=4",
                                  "/import", "/login", "/report?scope=team&id=Online"])
def test_pages_show_without_a_violation(watched: Any, base_url: str, path: str) -> None:
    page, console = watched
    _open(page, f"{base_url}{path}")
    _no_violation_and_inline_refused(page, console)


def test_conversation_page_corrects_a_turn_under_the_policy(watched: Any, base_url: str) -> None:
    page, console = watched
    _open(page, f"{base_url}/conversations/ex-en-02?lang=en")
    page.locator("#turn-1 button.edit").click()
    editor = page.locator("#edit-1")
    editor.locator("input[name=stage][value='3']").check()
    editor.locator("button[type=submit]").click()  # the answer redraws chips with style attributes
    page.wait_for_function("() => document.getElementById('status').textContent.includes('→')")
    _no_violation_and_inline_refused(page, console)


def test_live_page_hints_under_the_policy(watched: Any, base_url: str) -> None:
    page, console = watched
    _open(page, f"{base_url}/live?lang=en")
    page.fill("#msg-agent", "Hello, this is Anna from Brightline. How can I help you today?")
    page.press("#msg-agent", "Enter")
    page.wait_for_function("() => document.getElementById('live-overall').textContent !== '–'")
    _no_violation_and_inline_refused(page, console)


def test_users_page_creates_and_confirms_under_the_policy(browser: Any, store_served: Any) -> None:
    origin, _, token = store_served  # the Users page is for a signed-in admin: the service over a store
    page = signed_in_page(browser, origin, token)
    try:
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
        page.add_init_script(WATCH)
        _open(page, f"{origin}/ui/users?lang=en")
        page.fill("#u-name", "rita")
        page.select_option("#u-role", "reviewer")
        page.click("#user-form button[type=submit]")  # the answer adds the new user's row
        page.locator("#token-box").wait_for(state="visible")
        page.locator("tr[data-name='rita'] button[data-action='deactivate']").click()
        page.click("#confirm-yes")
        page.wait_for_function("() => document.getElementById('users-status').textContent.includes('rita')")
        _no_violation_and_inline_refused(page, console)
    finally:
        page.context.close()
