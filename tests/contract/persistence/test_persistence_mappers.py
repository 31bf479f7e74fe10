"""The mappers copy same-named fields by name (adapters/persistence/by_name.py); what that
must never do is drop a field silently. A domain field with no column, or a column the
domain does not fill, fails at once."""

from __future__ import annotations

from datetime import datetime

import pytest
from attrs import define

from adapters.persistence import by_name
from adapters.persistence.team_rows import MembershipRow
from domain.team import Membership, Role
from tests.contract.persistence.builders import NOW


@define
class _MembershipWithANewField:
    team_id: str
    user_id: str
    role: Role
    joined_at: datetime
    nickname: str  # a field added to the domain without a column


def test_a_domain_field_without_a_column_fails_loudly_when_read_back() -> None:
    row = by_name.row(MembershipRow, Membership("team_1", "user_1", Role.ADMIN, NOW))
    with pytest.raises(AttributeError, match="nickname"):
        by_name.instance(_MembershipWithANewField, row)


def test_a_column_the_domain_does_not_fill_fails_loudly_when_written() -> None:
    @define
    class _MembershipWithoutItsRole:
        team_id: str
        user_id: str
        joined_at: datetime

    with pytest.raises(AttributeError, match="role"):
        by_name.row(MembershipRow, _MembershipWithoutItsRole("team_1", "user_1", NOW))


def test_values_come_back_as_the_fields_types() -> None:
    row = by_name.row(MembershipRow, Membership("team_1", "user_1", Role.ADMIN, NOW))
    assert row.role == "admin"  # stored as the enum's value
    assert by_name.instance(Membership, row) == Membership("team_1", "user_1", Role.ADMIN, NOW)
