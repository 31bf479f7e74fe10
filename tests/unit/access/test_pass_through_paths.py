"""Only paths on Amazon's API host are passed through (DESIGN §11): `..`, absolute URLs and
encoded escapes are refused before anything is sent."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import PathNotAllowed
from domain.pass_through import check_path

ALLOWED = [
    "orders/v0/orders",
    "orders/v0/orders/",
    "orders/v0/orders/902-1845936-5435065/orderItems",
    "listings/2021-08-01/items/A1B2C3/SKU%20WITH%20SPACE",
    "listings/2021-08-01/items/A1B2C3/caf%C3%A9",
    "v2/profiles",
    "sp/campaigns/list",
    "reports/2021-06-30/documents/amzn1.spdoc.1.4.na.abc",
]

REFUSED = [
    "",
    "/orders/v0/orders",  # absolute path
    "//evil.example/x",
    "https://evil.example/x",
    "https:evil.example",
    "../x",
    "orders/../../x",
    "orders/./v0",
    "orders//v0",
    "%2e%2e/x",
    "%2E%2E/x",
    ".%2e/x",
    "orders%2f..%2fx",
    "orders%2Fv0",
    "a%5c..%5cb",
    "a\\b",
    "a%252e%252e/x",  # double encoding
    "a%00b",
    "a%0d%0aHost:evil",
    "a b",
    "a?b",
    "a#b",
    "x" * 2001,
]


@pytest.mark.parametrize("path", ALLOWED)
def test_paths_on_amazons_host_pass_unchanged(path: str) -> None:
    assert check_path(path) == path


@pytest.mark.parametrize("path", REFUSED)
def test_paths_that_could_leave_the_host_are_refused(path: str) -> None:
    with pytest.raises(PathNotAllowed):
        check_path(path)


@given(st.text(max_size=60))
def test_a_passed_path_never_climbs_or_names_a_host(path: str) -> None:
    try:
        checked = check_path(path)
    except PathNotAllowed:
        return
    segments = checked.split("/")
    assert ".." not in segments
    assert "." not in segments
    assert not checked.startswith("/")
    assert "//" not in checked
    assert "\\" not in checked
    assert ":" not in segments[0]
    lowered = checked.lower()
    assert not any(e in lowered for e in ("%2e", "%2f", "%5c", "%25"))
