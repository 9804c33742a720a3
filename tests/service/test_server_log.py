"""The server's log lines keep tokens and erasure searches out, however the query spells their names.

uvicorn logs each request and WebSocket with its path and raw query string. A
WebSocket may carry its token as ``?token=`` and the erasure search carries a
customer's name as ``?quoting=`` (security audit 19b, m3 and m4): their values
are masked by the name the server reads, percent-decoded and in any case.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from uvicorn.protocols.utils import get_path_with_query_string

from servio.service.app import HideQueryValues, hide_query_values_in_server_logs, masked_query

SECRET = "servio_12ab.s3cretpart"


@pytest.mark.parametrize("query", [
    f"token={SECRET}", f"%74oken={SECRET}", f"TOKEN={SECRET}", f"To%4Ben={SECRET}",
    "quoting=Mari%20Maasikas", "QUOTING=Mari+Maasikas", "q%75oting=Mari%20Maasikas",
])
def test_masked_parameters_are_masked_by_their_decoded_name_in_any_case(caplog: Any, query: str) -> None:
    hide_query_values_in_server_logs()
    scope = {"path": "/live/chat-1", "query_string": f"language=et&{query}&limit=5".encode()}
    with caplog.at_level(logging.INFO, logger="uvicorn.error"):  # as uvicorn's WebSocket line
        logging.getLogger("uvicorn.error").info('%s - "WebSocket %s" [accepted]', "127.0.0.1:5000",
                                                get_path_with_query_string(scope))  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):  # as uvicorn's access line
        logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET",
                                                 get_path_with_query_string(scope), "1.1", 200)  # type: ignore[arg-type]
    text = caplog.text
    assert "s3cretpart" not in text and "Maasikas" not in text, text
    name = query.partition("=")[0]
    assert text.count(f"?language=et&{name}=***&limit=5") == 2, text  # the other parameters stay readable


def test_the_server_reads_a_percent_encoded_token_name_as_the_token() -> None:
    """Why the mask decodes the name: the server does, so ``%74oken=`` is a working token parameter."""
    from starlette.datastructures import QueryParams

    assert QueryParams(f"%74oken={SECRET}").get("token") == SECRET


def test_other_parameters_and_look_alike_names_are_left_alone() -> None:
    kept = "/conversations?agent_id=kati&team=Online&tokens=3&retoken=1&quotings=x"
    assert masked_query(kept) == kept
    assert masked_query("Waiting for application startup.") == "Waiting for application startup."


def test_a_preformatted_message_is_masked_too() -> None:
    record = logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1, f"GET /live/x?TOKEN={SECRET}",
                               None, None)
    assert HideQueryValues().filter(record) and SECRET not in record.getMessage()
