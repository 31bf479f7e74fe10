"""Expiry warnings: once per threshold (30 days, 7 days, the last day in hours), each once
per authorization; the end noticed without a failed refresh (seed 004)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.connection import Health
from domain.grant import Channel, expiry_warning_stage

DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("remaining", "stage"),
    [
        (timedelta(days=31), None),
        (timedelta(days=30, seconds=1), None),
        (timedelta(days=30), "30d"),
        (timedelta(days=29, hours=12), "30d"),
        (timedelta(days=25, seconds=1), "30d"),
        (timedelta(days=24, hours=23), "30d"),
        (timedelta(days=7, seconds=1), "30d"),
        (timedelta(days=7), "7d"),
        (timedelta(days=1, seconds=1), "7d"),
        (timedelta(days=1), "last_day"),
        (timedelta(minutes=5), "last_day"),
        (timedelta(0), None),
        (timedelta(seconds=-1), None),
    ],
)
def test_warning_stage_is_one_per_threshold(remaining, stage):
    assert expiry_warning_stage(remaining) == stage


def test_no_warning_while_more_than_30_days_remain(seller):
    seller.clock.set(seller.expires_at() - timedelta(days=31))
    seller.pass_()
    assert seller.events("token.expiring") == []


def test_warnings_fire_once_per_threshold_30_days_7_days_and_the_last_day(seller):
    seller.clock.set(seller.expires_at() - timedelta(days=30, hours=1))
    seller.live(timedelta(days=31), step=timedelta(hours=6))
    stages = [e.data["stage"] for e in seller.events("token.expiring")]
    assert stages == ["30d", "7d", "last_day"]
    assert all(e.data["channel"] == "sp_api" for e in seller.events("token.expiring"))
    last = seller.events("token.expiring")[-1]
    assert "expires in" in last.summary
    assert "hours" in last.summary


def test_a_warning_is_recorded_once_however_many_passes_run(seller):
    seller.clock.set(seller.expires_at() - timedelta(days=10, hours=3))
    for _ in range(5):
        seller.pass_()
    seller.app.warn_before_expiry(seller.connection_id)
    assert [e.data["stage"] for e in seller.events("token.expiring")] == ["30d"]


def test_passes_either_side_of_a_day_boundary_write_one_warning(seller):
    """Once, "25 days" and then "24 days" were written seconds apart."""
    seller.clock.set(seller.expires_at() - timedelta(days=25, seconds=1))
    seller.pass_()
    seller.clock.advance(timedelta(seconds=2))
    seller.pass_()
    warnings = seller.events("token.expiring")
    assert len(warnings) == 1
    assert "expires in 25 days" in warnings[0].summary


def test_a_worker_that_was_down_sends_only_the_current_warning(seller):
    seller.clock.set(seller.expires_at() - timedelta(days=40))
    seller.pass_()
    seller.clock.advance(timedelta(days=35))  # nobody watched for 35 days
    seller.pass_()
    assert [e.data["stage"] for e in seller.events("token.expiring")] == ["7d"]


def test_the_end_of_the_authorization_is_noticed_and_needs_a_reconnect(seller, amazon):
    refreshes = amazon.refresh_calls
    seller.clock.set(seller.expires_at() + timedelta(minutes=1))
    seller.app.warn_before_expiry(seller.connection_id)
    expired = seller.events("token.expired")
    assert len(expired) == 1
    assert expired[0].data["channel"] == "sp_api"
    assert seller.health() is Health.RECONNECT_REQUIRED
    assert amazon.refresh_calls == refreshes  # noticed without asking Amazon
    seller.pass_()
    seller.pass_()
    assert len(seller.events("token.expired")) == 1


def test_a_reconnect_starts_a_new_year_of_warnings(seller, world):
    seller.clock.set(seller.expires_at() - timedelta(days=3))
    seller.pass_()
    world.connect("us-seller", Channel.SP_API, connection_id=seller.connection_id)
    assert seller.health() is Health.CONNECTED
    seller.clock.set(seller.expires_at() - timedelta(days=30))
    seller.pass_()
    stages = [e.data["stage"] for e in seller.events("token.expiring")]
    assert stages == ["7d", "30d"]
    authorizations = {e.data["authorization"] for e in seller.events("token.expiring")}
    assert len(authorizations) == 2


def test_a_disconnected_connection_gets_no_warnings(seller, world):
    seller.app.disconnect(world.actor(), seller.connection_id)
    seller.clock.set(seller.expires_at() - timedelta(days=5))
    seller.pass_()
    assert seller.events("token.expiring") == []
