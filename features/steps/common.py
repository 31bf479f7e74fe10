"""Steps every feature shares: teams and who is acting, errors as a person sees them, the
connection's status card, time passing and the timeline. Each step drives the use cases
through the `world` driver (tests/world.py); no rule is re-implemented here."""

from __future__ import annotations

import re
from datetime import timedelta

from pytest_bdd import given, parsers, then, when

from application.context import Actor
from application.views import ConnectionView, NextStep
from domain.connection import Health
from domain.errors import ErrorCode
from domain.grant import Channel
from domain.team import Plan, Role
from tests.world import World

CHANNELS = {
    "advertising authorization": Channel.ADS,
    "Selling Partner API": Channel.SP_API,
}


def role(name: str) -> Role:
    return Role(name.strip())


def admin(world: World) -> Actor:
    return world.actor(Role.ADMIN)


def succeeded(world: World) -> None:
    """A Then that checks an outcome first checks the When before it did not fail."""
    assert world.error is None, f"the action failed: {world.error!r}"


def connect_as_admin(world: World, account: str, team_name: str | None = None) -> ConnectionView:
    """A Given: the connection must work, so failures raise instead of being kept."""
    team = world.teams[team_name] if team_name else None
    result = world.connect_fully(account, actor=world.actor(Role.ADMIN, team))
    if team_name is None:
        world.notes["account"] = account
        world.notes["first_connection_id"] = result.connection.id
        world.notes["exchange_calls"] = world.amazon.exchange_calls
        world.notes["sp_api_expires_at"] = result.connection.grant(Channel.SP_API).expires_at
    return result.connection


# --------------------------------------------------------------------------- teams


@given(parsers.parse("a team on the {plan} plan"))
def _team(world: World, plan: str) -> None:
    world.create_team(plan=Plan(plan))


@given(parsers.parse("a team on the {plan} plan allowed {limit:d} Amazon account"))
def _team_with_limit(world: World, plan: str, limit: int) -> None:
    world.create_team(plan=Plan(plan), max_connections=limit)


@given(parsers.parse('a team on the {plan} plan that has connected the "{account}" {kind} account'))
def _team_with_connection(world: World, plan: str, account: str, kind: str) -> None:
    world.create_team(plan=Plan(plan))
    connect_as_admin(world, account)


@given(parsers.parse('another team "{name}" on the {plan} plan'))
def _another_team(world: World, name: str, plan: str) -> None:
    world.create_team(name, plan=Plan(plan))


@given(parsers.parse('the team has connected the "{account}" {kind} account'))
def _has_connected(world: World, account: str, kind: str) -> None:
    connect_as_admin(world, account)


@given(parsers.parse('"{name}" has connected the "{account}" seller account'))
def _other_team_has_connected(world: World, name: str, account: str) -> None:
    connect_as_admin(world, account, team_name=name)


@then(parsers.re(r"the team has (?P<count>\d+) Amazon connections?"))
def _team_has_connections(world: World, count: str) -> None:
    assert len(world.app.list_connections(admin(world))) == int(count)


@when(parsers.parse("the team upgrades to the {plan} plan"))
def _upgrade(world: World, plan: str) -> None:
    world.attempt(world.upgrade, Plan(plan))


# --------------------------------------------------------------------------- errors


@then(parsers.parse("they see the error {code}"))
def _error_code(world: World, code: str) -> None:
    assert world.error is not None, "expected an error, but the action succeeded"
    assert world.error.code is ErrorCode(code), repr(world.error)


@then(parsers.parse('they are told "{text}"'))
def _told(world: World, text: str) -> None:
    assert world.error is not None, "expected an error, but the action succeeded"
    assert text in world.error.spec.message or text in world.error.detail, (
        world.error.spec.message,
        world.error.detail,
    )


@then(parsers.parse('the remediation includes "{text}"'))
def _remediation(world: World, text: str) -> None:
    assert world.error is not None, "expected an error, but the action succeeded"
    steps = world.error.remediation
    assert any(text in step for step in steps), steps


# --------------------------------------------------------------------------- status card


@then("the connection is healthy")
def _healthy(world: World) -> None:
    succeeded(world)
    assert world.view().health is Health.CONNECTED


@then(parsers.parse("the connection health is {health}"))
def _health(world: World, health: str) -> None:
    assert world.view().health is Health(health)


@then(
    parsers.re(
        r'the (?P<channel>advertising authorization|Selling Partner API) shows "(?P<text>[^"]*)"'
    )
)
def _grant_text(world: World, channel: str, text: str) -> None:
    assert world.view().grant(CHANNELS[channel]).status_text == text


@then("each authorization shows the date its token was generated")
def _generated_on(world: World) -> None:
    """Seed 001: "Any token that does exist will display the date the token was generated"."""
    grants = world.view().grants
    assert [g.authorized_at for g in grants] == [world.clock.now()] * len(grants)


@then(parsers.parse('the Amazon Seller ID "{seller_id}" is displayed'))
def _seller_id(world: World, seller_id: str) -> None:
    assert world.view().selling_partner_id == seller_id


NEXT_STEPS = {
    "choose marketplaces": NextStep.CHOOSE_MARKETPLACES,
    "choose a profile": NextStep.CHOOSE_PROFILE,
    "authorize the Selling Partner API": NextStep.AUTHORIZE_SP_API,
    "authorize advertising": NextStep.AUTHORIZE_ADS,
}


@then(parsers.parse("the next step is to {step}"))
def _next_step(world: World, step: str) -> None:
    succeeded(world)
    assert world.result is not None
    assert world.result.next is NEXT_STEPS[step]


@then("it is the same connection as before")
def _same_connection(world: World) -> None:
    succeeded(world)
    assert world.connection_id == world.notes["first_connection_id"]


# --------------------------------------------------------------------------- time


def parse_duration(text: str) -> timedelta:
    """'29 days 23 hours', '4 hours 10 minutes', '1 minute', '0 minutes'."""
    total = timedelta(0)
    parts = re.findall(r"(\d+)\s+(day|hour|minute)s?", text)
    assert parts, f"not a duration: {text!r}"
    for amount, unit in parts:
        total += timedelta(**{f"{unit}s": int(amount)})
    return total


@when(parsers.re(r"(?P<duration>\d+ (?:days?|hours?|minutes?)) pass(?:es)?"))
def _time_passes(world: World, duration: str) -> None:
    world.clock.advance(parse_duration(duration))


# --------------------------------------------------------------------------- timeline


@then(parsers.parse('the timeline says "{text}"'))
def _timeline_says(world: World, text: str) -> None:
    summaries = [e.summary for e in world.events()]
    assert any(text in s for s in summaries), summaries
