"""The OpenAPI schema lists the error answers each operation gives, with their body, so that a client
generated from it (openapi-generator, openapi-typescript) has a type for them; it listed only 422."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.service.conftest import Users


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in schema["paths"].items() for method, op in ops.items()]


def test_every_signed_in_operation_lists_its_error_answers_with_a_body(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"] and set(error["properties"]) == {"detail", "reference"}
    signed_in = [(m, p, op) for m, p, op in _operations(schema) if op.get("security")]
    assert len(signed_in) > 25
    for method, path, op in signed_in:
        answers = op["responses"]
        expected = {"401", "429", "503"} | ({"404"} if "{" in path else set())
        expected |= {"400", "413"} if "requestBody" in op else set()
        expected |= set() if (method, path) == ("get", "/me") else {"403"}
        assert expected <= set(answers), (method, path, sorted(answers))
        for code, answer in answers.items():
            if code[0] in "45" and code != "422":
                assert answer["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"}, (method, path, code)
    assert "409" in schema["paths"]["/users"]["post"]["responses"]
    assert "404" in schema["paths"]["/reports"]["get"]["responses"]
    assert "401" not in schema["paths"]["/health"]["get"]["responses"]


def test_the_description_names_every_role_and_the_error_shapes(client: TestClient) -> None:
    info = client.get("/openapi.json").json()["info"]["description"]
    for role in ("admin", "reviewer", "team_lead", "agent"):
        assert f"**{role}**" in info
    assert "422" in info and "`Error`" in info


def test_the_answers_are_what_the_schema_says(client: TestClient, users: Users) -> None:
    error = client.get("/openapi.json").json()["components"]["schemas"]["Error"]
    answers = [client.get("/conversations"),  # 401
               client.get("/users", headers=users.headers("reviewer")),  # 403
               client.get("/conversations/nobody-1", headers=users.headers("admin")),  # 404
               client.post("/users", json={"name": "root", "role": "reviewer"},
                           headers=users.headers("admin"))]  # 409
    assert [a.status_code for a in answers] == [401, 403, 404, 409]
    for answer in answers:
        body = answer.json()
        assert set(body) <= set(error["properties"]) and isinstance(body["detail"], str)
