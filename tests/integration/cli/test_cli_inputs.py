"""What a support agent types: ids, marketplaces, operator names and times, checked before
anything is read (adapters/cli/inputs.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.cli.exits import ExitCode, exit_code_for
from adapters.cli.inputs import check_id, check_marketplace, check_operator, parse_moment
from bootstrap.system import SequentialIds, UlidIds
from domain.errors import ErrorCode, ValidationFailed

NOW = datetime(2026, 1, 7, 9, 0, tzinfo=UTC)


def test_every_id_sellerlink_issues_is_accepted():
    for prefix in ("con", "team", "evt"):
        check_id(UlidIds().new_id(prefix), "connection")
        check_id(SequentialIds().new_id(prefix), "connection")


@pytest.mark.parametrize("bad", ["", " con_1", "con 1", "con/1", "con_1'", "x" * 101, "é"])
def test_ids_a_copy_paste_accident_produces_are_refused(bad: str):
    with pytest.raises(ValidationFailed):
        check_id(bad, "connection")


@pytest.mark.parametrize("good", ["ATVPDKIKX0DER", "A1PA6795UKMFR9", "DE", "uk"])
def test_marketplace_ids_and_country_codes_are_accepted(good: str):
    assert check_marketplace(good) == good


@pytest.mark.parametrize("bad", ["D", "Amazon.de", "DE ", "A" * 21])
def test_other_marketplace_values_are_refused(bad: str):
    with pytest.raises(ValidationFailed):
        check_marketplace(bad)


def test_operator_names():
    assert check_operator("maria.lopez@support") == "maria.lopez@support"
    for bad in (None, "", "maria lopez", "support:maria"):
        with pytest.raises(ValidationFailed):
            check_operator(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", NOW - timedelta(days=7)),
        ("12h", NOW - timedelta(hours=12)),
        ("30m", NOW - timedelta(minutes=30)),
        ("2w", NOW - timedelta(weeks=2)),
        ("2026-01-05", datetime(2026, 1, 5, tzinfo=UTC)),
        ("2026-01-05T10:30:00Z", datetime(2026, 1, 5, 10, 30, tzinfo=UTC)),
        ("2026-01-05T12:30:00+02:00", datetime(2026, 1, 5, 10, 30, tzinfo=UTC)),
        ("2026-01-05T10:30", datetime(2026, 1, 5, 10, 30, tzinfo=UTC)),
        (None, None),
    ],
)
def test_times_are_iso_or_spans_back_from_now(text: str | None, expected: datetime | None):
    assert parse_moment(text, now=NOW, field="--since") == expected


@given(amount=st.integers(min_value=0, max_value=999_999), unit=st.sampled_from("mhdwMHDW"))
def test_any_span_is_that_long_before_now_or_bad_input(amount: int, unit: str):
    units = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    span = timedelta(**{units[unit.lower()]: amount})
    if span > NOW - datetime.min.replace(tzinfo=UTC):
        with pytest.raises(ValidationFailed):
            parse_moment(f"{amount}{unit}", now=NOW, field="--since")
    else:
        assert parse_moment(f"{amount}{unit}", now=NOW, field="--since") == NOW - span


@given(st.text(max_size=30))
def test_no_text_makes_the_time_parser_fail_other_than_as_bad_input(text: str):
    try:
        moment = parse_moment(text, now=NOW, field="--since")
    except ValidationFailed:
        return
    assert moment is None or moment.tzinfo is not None


def test_exit_codes_follow_the_catalogue_code():
    assert exit_code_for(ErrorCode.NOT_FOUND) is ExitCode.NOT_FOUND
    assert exit_code_for(ErrorCode.VALIDATION_FAILED) is ExitCode.BAD_INPUT
    assert exit_code_for(ErrorCode.RETRY_LIMIT_EXCEEDED) is ExitCode.REFUSED
    assert exit_code_for(ErrorCode.NOT_A_MEMBER) is ExitCode.REFUSED
    assert exit_code_for(ErrorCode.AMAZON_UNAVAILABLE) is ExitCode.FAILED
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 4]
