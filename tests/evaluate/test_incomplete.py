"""An incomplete conversation (turns lost on reading) says so first in its feedback, in its language,
and is counted as such in the profiles; its scores are what was read."""

from __future__ import annotations

from dataclasses import replace

import pytest

from servio.evaluate import evaluate, profiles
from servio.evaluate.feedback import texts
from servio.evaluate.tally import profile_of, tally
from servio.results import ConversationResult
from tests.evaluate.build import ET_GOOD


def _with_unread(unread: tuple[str, ...]):
    return replace(ET_GOOD, conversation=replace(ET_GOOD.conversation, unread=unread))


def test_a_complete_conversation_has_no_notice():
    result = evaluate(ET_GOOD)
    assert result.unread == () and not result.incomplete
    assert all(f.kind != "incomplete" for f in result.feedback)


def test_the_notice_comes_first_and_names_how_many_and_where_in_estonian():
    complete = evaluate(ET_GOOD)
    result = evaluate(_with_unread(("/tmp/up/x/eesti_excel.csv:12",)))
    assert result.incomplete and result.unread == ("/tmp/up/x/eesti_excel.csv:12",)
    first = result.feedback[0]
    assert (first.kind, first.stage, first.turn) == ("incomplete", 0, None)
    assert first.text.startswith("Selle vestluse üks repliik jäi lugemata (eesti_excel.csv:12)")
    assert "/tmp/up" not in first.text  # the file's name, not an upload's temporary folder
    # the scores are those of what was read; the coaching after the notice is the same
    assert result.stage_scores == complete.stage_scores and result.feedback[1:] == complete.feedback


def test_the_notice_in_english_counts_and_shortens_a_long_list():
    from tests.evaluate.build import A, C, convo

    tagged = convo((A, {1}, "Hi, this is Kate."), (C, {3}, "My bill is wrong."), language="en")
    lost = tuple(f"c.csv:{n}" for n in (3, 5, 7, 9, 11))
    conv = replace(tagged.conversation, unread=lost)
    result = evaluate(replace(tagged, conversation=conv))
    assert result.feedback[0].text.startswith(
        "5 turns of this conversation could not be read (c.csv:3, c.csv:5, c.csv:7 and 2 more); "
        "its scores may be wrong")


@pytest.mark.parametrize("language", ["et", "en"])
def test_the_notice_texts_live_in_the_data_files(language):
    entry = texts(language)["incomplete"]
    assert {"one", "many", "more"} <= set(entry)
    assert "{where}" in entry["one"] and "{count}" in entry["many"]


def test_the_result_keeps_unread_through_its_dict():
    result = evaluate(_with_unread(("a.csv:2", "a.csv:4")))
    again = ConversationResult.from_dict(result.to_dict())
    assert again.unread == ("a.csv:2", "a.csv:4") and again == result


def test_profiles_count_incomplete_conversations_and_still_count_them():
    complete = evaluate(ET_GOOD)
    lost = replace(evaluate(_with_unread(("a.csv:2",))), conversation_id="other")
    [profile] = profiles([complete, lost], by="agent")
    assert profile.conversations == 2 and profile.incomplete == 1
    assert profile_of(tally([complete, lost]), kind="agent", id=profile.id, language="et") == profile
    assert profile.to_dict()["incomplete"] == 1
