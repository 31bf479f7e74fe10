"""GET /api/v1/connections a page at a time (`limit`, `after`) with the filters a product and
support need, over the real web app."""

from __future__ import annotations

from harness.driver import Api


def test_pages_resume_from_next_cursor_and_filters_narrow(api: Api) -> None:
    team = api.create_team("Agency", plan="pro", kind="agency")
    owner = team["owner"]
    us = api.connect(owner, "us-seller")["connection"]
    eu = api.connect(owner, "eu-seller")["connection"]
    vendor = api.connect(owner, "vendor")["connection"]

    def ids(query: str) -> list[str]:
        return [c["id"] for c in api.ok("GET", f"/api/v1/connections?{query}", owner)["items"]]

    every = ids("")
    assert sorted(every) == sorted([us["id"], eu["id"], vendor["id"]])
    first = api.ok("GET", "/api/v1/connections?limit=2", owner)
    assert [c["id"] for c in first["items"]] == every[:2]
    assert first["has_more"] is True
    rest = api.ok("GET", f"/api/v1/connections?limit=2&after={first['next_cursor']}", owner)
    assert ([c["id"] for c in rest["items"]], rest["has_more"], rest["next_cursor"]) == (
        every[2:],
        False,
        None,
    )
    assert ids("region=EU") == [eu["id"]]
    assert ids("account_type=vendor") == [vendor["id"]]
    assert ids(f"selling_partner_id={us['selling_partner_id']}") == [us["id"]]
    assert ids("health=connected") == every
    assert ids("marketplace_state=ready") == []


def test_a_cursor_not_handed_out_is_refused_with_a_named_code(api: Api) -> None:
    team = api.create_team("Shop")
    refused = api.call("GET", "/api/v1/connections?after=bm90LWEtY3Vyc29y", team["member"])
    assert refused.status_code == 400
    assert refused.json()["code"] == "VALIDATION_FAILED"


def test_a_member_of_no_team_is_refused_before_anything_is_listed(api: Api) -> None:
    team = api.create_team("Shop")
    outsider = api.user("mallory", team.id)
    refused = api.call("GET", "/api/v1/connections", outsider)
    assert (refused.status_code, refused.json()["code"]) == (403, "NOT_A_MEMBER")
