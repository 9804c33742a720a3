"""Import files, open a conversation, correct a turn's stages, see the score and the profile change."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import DATA


def _profile_overall(page: Any, base_url: str, agent: str) -> str:
    page.goto(f"{base_url}/agents/{agent}?lang=en")
    return str(page.inner_text("#profile-overall"))


def test_import_view_correct_and_profile_changes(page: Any, base_url: str, shots: Any) -> None:
    page.goto(f"{base_url}/import?lang=en")
    page.set_input_files("#files", str(DATA / "import.jsonl"))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#job-status[data-state=done]")
    assert page.inner_text("#job-read") == "2"
    assert page.inner_text("#job-new") == "2"
    assert int(page.inner_text("#job-skipped")) == 2
    problems = page.locator("#problem-rows tr")
    assert problems.count() == 2
    assert "import.jsonl:3" in problems.nth(0).inner_text()
    assert "import.jsonl:4" in problems.nth(1).inner_text()
    page.screenshot(path=str(shots / "import-done-1280.png"), full_page=True)

    page.click("#job-link")
    page.wait_for_selector("table.list")
    assert page.locator("table.list a", has_text="web-en-2").count() == 1

    before_profile = _profile_overall(page, base_url, "mari")
    page.goto(f"{base_url}/conversations/web-en-1?lang=en")
    before = page.inner_text("#overall")
    turn = page.locator("#turn-0")  # the greeting: a reviewer says it carries no stage
    turn.locator("button.edit").click()
    editor = page.locator("#edit-0")
    assert editor.is_visible()
    for box in editor.locator("input[name=stage]").all():
        box.uncheck()
    editor.locator("button[type=submit]").click()
    page.wait_for_function("() => document.getElementById('status').textContent.includes('→')")
    after = page.inner_text("#overall")
    assert after != before
    assert f"{before} → {after}" in page.inner_text("#status")
    assert turn.locator("[data-chips] .chip:not(.none)").count() == 0
    column = page.locator("svg.timeline a[href='#turn-0'] rect")
    assert all(column.nth(k).get_attribute("fill") == "#f6f8fa" for k in range(1, 8))
    assert int(after) < int(before)  # no greeting costs points
    page.screenshot(path=str(shots / "corrected-1280.png"), full_page=True)

    page.reload()  # the correction is stored, not only drawn
    assert page.inner_text("#overall") == after
    assert page.locator("#turn-0.corrected").count() == 1
    assert _profile_overall(page, base_url, "mari") != before_profile


def test_json_posts_need_the_servio_header(page: Any, base_url: str) -> None:
    answer = page.request.post(f"{base_url}/conversations/ex-en-01/turns/0", data={"stages": [1]})
    assert answer.status == 403
