"""The live-assist page in Chromium: re-tags, the hint on a phone, chat settings, refused and expired turns,
New chat, the panel's wording and long links (live audit F7, F9, F11, F17, F18, F22, F25)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import browser_page, signed_in_page

SETTLED = ("(n) => document.querySelectorAll('#chat li .who[data-done]').length >= n"
           " && !document.querySelector('#chat li.pending')")
LONG_URL = "https://tracking.example.com/" + "a1b2c3d4e5" * 24


@pytest.fixture()
def phone(browser: Any) -> Iterator[Any]:
    with browser_page(browser, 390, 844, "et-EE") as pg:
        yield pg


def _say(page: Any, who: str, text: str, n: int) -> None:
    page.fill(f"#msg-{who}", text)
    page.press(f"#msg-{who}", "Enter")
    page.wait_for_function(SETTLED, arg=n)


def _session_id(page: Any, who: str, text: str) -> str:
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/live/sessions")) as opened:
        _say(page, who, text, 1)
    return str(opened.value.json()["session_id"])


def _end_on_server(page: Any, base_url: str, sid: str) -> int:
    """End the session behind the page's back (what expiry or a restart does); the answer's status."""
    return int(page.evaluate("""([url]) => fetch(url, {method: "DELETE", headers: {"X-Servio": "1"}})
                                .then(r => r.status)""", [f"{base_url}/live/sessions/{sid}"]))


def test_earlier_bubbles_show_the_stages_a_later_turn_changed(page: Any, base_url: str) -> None:
    # F7: the update's `changed` was ignored, so the bubbles and the panel disagreed
    def retag(route: Any) -> None:
        answer = route.fetch()
        update = answer.json()
        if update["turn"] == 1:
            update["changed"] = [{"turn": 0, "stages": [3, 6]}]
        route.fulfill(response=answer, body=json.dumps(update))

    page.route("**/live/sessions/*/turns*", retag)
    page.goto(f"{base_url}/live?lang=en")
    _say(page, "agent", "Did you restart the router?", 1)
    _say(page, "customer", "Yes, twice.", 2)
    first = page.locator("#chat li").first
    assert "6 solution" in first.locator(".who").inner_text()
    assert "updated" in first.locator(".who").inner_text()
    assert first.get_attribute("data-stages") == "3 6"


def test_on_a_phone_the_hint_is_just_above_the_composers(phone: Any, base_url: str) -> None:
    # F9: at 390 px the hint sat below the whole chat and both composers
    phone.goto(f"{base_url}/live?lang=et")
    for i, (who, text) in enumerate([("agent", "Tere! Mina olen Kati. Kuidas saan aidata?"),
                                     ("customer", "Mu internet ei tööta juba eilsest."),
                                     ("agent", "Mis täpsemalt juhtub, kui proovite ühendust luua?")], 1):
        _say(phone, who, text, i)
    hint = phone.inner_text("#hint")
    near = phone.locator(".live-chat").get_by_text(hint, exact=True)
    assert near.is_visible(), "the next step shows in the chat card"
    phone.locator("#msg-customer").scroll_into_view_if_needed()
    gap = phone.evaluate("""(hint) => {
        const shown = [...document.querySelectorAll('.live-chat *')].find(e => e.textContent === hint
                        && e.getBoundingClientRect().height > 0);
        const composers = document.querySelector('.composers').getBoundingClientRect();
        return composers.top - shown.getBoundingClientRect().bottom;
    }""", hint)
    assert 0 <= gap < 120, gap
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_chat_opens_with_the_language_and_contact_type_chosen(page: Any, base_url: str) -> None:
    # F11: the page always opened with {language: null} and no contact type
    page.goto(f"{base_url}/live?lang=en")
    page.select_option("#live-language", "et")
    page.select_option("#live-contact-type", "sales")
    with page.expect_request(lambda r: r.url.split("?")[0].endswith("/live/sessions")) as opened:
        _say(page, "customer", "Hello", 1)
    assert json.loads(opened.value.post_data) == {"language": "et", "contact_type": "sales"}
    assert page.is_disabled("#live-language") and page.is_disabled("#live-contact-type")
    context = page.inner_text("#live-context")
    assert "Estonian" in context and "sales" in context and "detected" not in context
    page.click("#restart")
    assert page.is_enabled("#live-language")


def test_a_refused_turn_is_not_left_in_the_chat_and_its_text_comes_back(phone: Any, base_url: str) -> None:
    # F17: the refused turn stayed as a bubble, the box was emptied and the error half English
    phone.goto(f"{base_url}/live?lang=et")
    _say(phone, "agent", "Tere! Mina olen Kati.", 1)
    too_long = "x" * 20_001
    phone.fill("#msg-customer", too_long)
    phone.press("#msg-customer", "Enter")
    phone.wait_for_selector("#live-error:not([hidden])")
    assert phone.locator("#chat li").count() == 1
    assert phone.input_value("#msg-customer") == too_long
    error = phone.inner_text("#live-error-text")
    assert "liiga pikk" in error and "20000" in error and "did not answer" not in error
    phone.fill("#msg-customer", "Tere, mu internet ei tööta.")
    phone.press("#msg-customer", "Enter")
    phone.wait_for_function(SETTLED, arg=2)
    assert phone.is_hidden("#live-error")


def test_after_the_session_is_gone_the_page_offers_a_clean_new_chat(page: Any, base_url: str) -> None:
    # F17: after expiry every turn failed but stayed in the chat, with an English server message and the id
    page.goto(f"{base_url}/live?lang=et")
    sid = _session_id(page, "agent", "Tere! Mina olen Kati. Kuidas saan aidata?")
    assert _end_on_server(page, base_url, sid) == 204
    page.fill("#msg-customer", "Mu internet ei tööta.")
    page.press("#msg-customer", "Enter")
    page.wait_for_selector("#live-error-restart:not([hidden])")
    assert page.locator("#chat li").count() == 1
    assert page.input_value("#msg-customer") == "Mu internet ei tööta."
    error = page.inner_text("#live-error-text")
    assert "Alusta uut vestlust" in error and sid not in error and "no live session" not in error
    page.click("#live-error-restart")
    assert page.locator("#chat li").count() == 0 and page.is_hidden("#live-error")
    assert page.input_value("#msg-customer") == "Mu internet ei tööta."  # still there to send
    page.press("#msg-customer", "Enter")
    page.wait_for_function(SETTLED, arg=1)
    assert page.locator("#chat li").count() == 1


def test_a_turn_after_signing_out_says_so_in_the_page_language(store_served: tuple[str, Any, str],
                                                               browser: Any) -> None:
    # F17: any failure read "The live service did not answer: sign in first" (half English)
    origin, _, token = store_served
    page = signed_in_page(browser, origin, token)
    try:
        page.goto(f"{origin}/ui/live?lang=et")
        _say(page, "agent", "Tere! Mina olen Kati.", 1)
        page.context.clear_cookies()  # the dashboard session is gone (signed out elsewhere, or it ran out)
        page.fill("#msg-customer", "Tere!")
        page.press("#msg-customer", "Enter")
        page.wait_for_selector("#live-error:not([hidden])")
        assert "Oled välja logitud" in page.inner_text("#live-error-text")
        assert page.input_value("#msg-customer") == "Tere!" and page.locator("#chat li").count() == 1
    finally:
        page.context.close()


def test_new_chat_ends_the_session_on_the_server(page: Any, base_url: str) -> None:
    # F18: New chat only cleared the page; the session lived on until its time-to-live
    page.goto(f"{base_url}/live?lang=en")
    sid = _session_id(page, "agent", "Hello, this is Anna. How can I help?")
    with page.expect_response(lambda r: r.request.method == "DELETE") as ended:
        page.click("#restart")
    assert ended.value.status == 204 and sid in ended.value.url
    assert _end_on_server(page, base_url, sid) == 404


def test_the_panel_keeps_the_stage_marks_the_next_step_and_says_when_nothing_is_wrong(page: Any,
                                                                                       base_url: str) -> None:
    # F22: "Current stage: Nothing yet." after a turn without a stage, a bare "Watch out", no next-step mark
    def no_stage_later(route: Any) -> None:
        answer = route.fetch()
        update = answer.json()
        if update["turn"] == 1:
            update.update(stages=[], warnings=[])
        route.fulfill(response=answer, body=json.dumps(update))

    page.route("**/live/sessions/*/turns*", no_stage_later)
    page.goto(f"{base_url}/live?lang=en")
    assert page.locator("#warnings li").all_inner_texts() == ["None so far."]
    _say(page, "agent", "Hello, this is Anna from Brightline. How can I help you today?", 1)
    first = page.inner_text("#current")
    _say(page, "customer", "Okay.", 2)
    current = page.inner_text("#current")
    assert current != "Nothing yet." and current.startswith(first) and "added no stage" in current
    assert page.locator("#warnings li").all_inner_texts() == ["None so far."]
    marked = page.locator("#done li[aria-current=step]")
    assert marked.count() == 1
    assert marked.locator(".next-tag").is_visible() and marked.locator(".next-tag").inner_text() == "next"
    plain = page.locator("#done li:not([aria-current])").first
    colour = "(e) => getComputedStyle(e).backgroundColor"
    assert marked.evaluate(colour) != plain.evaluate(colour)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_long_link_wraps_inside_its_bubble(browser: Any, base_url: str, width: int) -> None:
    # F25: a long URL ran out of its bubble, across the panel, and the page scrolled sideways
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{base_url}/live?lang=en")
        _say(page, "customer", f"Hi, the tracking link does not work: {LONG_URL}", 1)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        bubble = page.locator("#chat li").first
        assert bubble.evaluate("(e) => e.scrollWidth <= e.clientWidth")
    finally:
        context.close()


def test_on_a_phone_the_warnings_have_their_own_heading_and_say_what_stays_true(phone: Any,
                                                                                  base_url: str) -> None:
    # audit 19a m7: under "Järgmine samm" the warnings read as part of the next step, and the pitch's
    # warning said "lahendust pakutakse" (is being offered) after the agent had gone back to asking
    phone.goto(f"{base_url}/live?lang=et")
    heading = phone.locator("#near-hint").get_by_text("Tähelepanu", exact=False)
    _say(phone, "customer", "Tere, mu koduinternet ei tööta alates eilsest.", 1)
    assert not heading.is_visible(), "no warnings, no heading"
    for i, (who, text) in enumerate([("agent", "Tere! Palun taaskäivitage ruuter."),
                                     ("customer", "Tegin juba, ei aita. Punane tuli vilgub."),
                                     ("agent", "Mis tuled ruuteril põlevad ja millal see algas?")], 2):
        _say(phone, who, text, i)
    warnings = phone.locator("#near-warnings li")
    assert "pakkusid lahenduse enne, kui vajadus oli selge" in warnings.all_inner_texts()
    assert heading.is_visible()
    top = phone.evaluate("""() => ['#near-hint-text', '#near-warn', '#near-warnings li']
                                  .map(q => document.querySelector(q).getBoundingClientRect().top)""")
    assert top[0] < top[1] <= top[2], top  # the next step, then the heading, then the warnings
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
