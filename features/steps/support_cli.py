"""Steps for support_cli.feature: a support agent at the terminal. Data is prepared through
the use cases (tests/world.py); every When runs `sellerlink` through typer's test runner on
the same application, so the feature reads as a support session."""

from __future__ import annotations

import json
import re
import shlex
from datetime import datetime, timedelta

import pytest
import typer
from attrs import define, field
from pytest_bdd import given, parsers, then, when
from typer.testing import CliRunner, Result

from adapters.amazon.regions import marketplace_id
from adapters.cli import build_cli
from application.app import Application
from application.marketplaces import UpdateMarketplaceCommand
from domain.grant import Channel
from domain.team import Plan, Role
from tests.world import World, support_sees


@define
class Agent:
    """The support agent's terminal: the CLI, the ids `$CONNECTION`, `$TEAM`, `$OTHER_TEAM`
    stand for, the last command's result and what support could see before it."""

    cli: typer.Typer
    names: dict[str, str] = field(factory=dict)
    result: Result | None = None
    before: object = None

    def run(self, command: str) -> Result:
        args = [self.expand(a) for a in shlex.split(command)]
        self.result = CliRunner().invoke(self.cli, args, env={"COLUMNS": "200"})
        return self.result

    def expand(self, text: str) -> str:
        return re.sub(r"\$([A-Z_]+)", lambda m: self.names[m.group(1)], text)

    @property
    def last(self) -> Result:
        assert self.result is not None, "run a command first"
        return self.result

    def output(self) -> str:
        return " ".join((self.last.stdout + self.last.stderr).split())


@pytest.fixture
def agent(app: Application) -> Agent:
    return Agent(build_cli(get_app=lambda: app))


def connect(world: World, team_name: str, account: str) -> str:
    admin = world.actor(Role.ADMIN, world.teams[team_name])
    connection_id = world.connect(account, Channel.ADS, actor=admin).connection.id
    world.connect(account, Channel.SP_API, actor=admin, connection_id=connection_id)
    return connection_id


def duration(text: str) -> timedelta:
    units = {"day": "days", "hour": "hours", "minute": "minutes"}
    parts = re.findall(r"(\d+) (day|hour|minute)s?", text)
    assert parts, f"not a duration: {text}"
    return timedelta(**{units[u]: int(n) for n, u in parts})


# --------------------------------------------------------------------------- given


@given(
    parsers.parse(
        'the customer team "{name}" on the {plan} plan connected the "{account}" Amazon account'
    )
)
def _customer(world: World, agent: Agent, name: str, plan: str, account: str) -> None:
    team = world.create_team(name, plan=Plan(plan))
    agent.names["TEAM"] = team.id
    agent.names["CONNECTION"] = connect(world, name, account)
    agent.names["AUTHORIZED_AT"] = world.clock.now().isoformat()


@given(parsers.parse('another customer team "{name}" connected the "{account}" Amazon account'))
def _other_customer(world: World, agent: Agent, name: str, account: str) -> None:
    agent.names["OTHER_TEAM"] = world.create_team(name).id
    agent.names["OTHER_CONNECTION"] = connect(world, name, account)


@given(
    parsers.parse(
        "the customer selected the {first} and {second} marketplaces and their first setup failed"
    )
)
def _selected_and_failed(world: World, agent: Agent, first: str, second: str) -> None:
    admin = world.actor(Role.ADMIN)
    for country in (first, second):
        world.app.update_marketplace(
            UpdateMarketplaceCommand(
                admin, agent.names["CONNECTION"], marketplace_id(country), selected=True
            )
        )
    steps = world.app.advance_all_setups()
    assert {s.after for s in steps} == {"failed"}


@given(parsers.parse("the customer retried the {country} marketplace until it was escalated"))
def _escalated_by_customer(world: World, agent: Agent, country: str) -> None:
    admin = world.actor(Role.ADMIN)
    for _ in range(3):
        world.app.retry_marketplace(admin, agent.names["CONNECTION"], marketplace_id(country))
        world.app.advance_all_setups()
    world.attempt(
        world.app.retry_marketplace, admin, agent.names["CONNECTION"], marketplace_id(country)
    )
    assert world.error is not None
    assert world.error.code == "RETRY_LIMIT_EXCEEDED"


@given(
    parsers.parse(
        'agent "{operator}" retried the {country} marketplace 3 times and every attempt failed'
    )
)
def _retried_by_agent(world: World, agent: Agent, operator: str, country: str) -> None:
    for _ in range(3):
        agent.run(f"marketplaces retry $CONNECTION {country} --operator {operator}")
        assert agent.last.exit_code == 0, agent.output()
        world.app.advance_all_setups()


@given(parsers.parse("the clock is {time} past the Selling Partner API authorization"))
def _clock(world: World, agent: Agent, time: str) -> None:
    world.clock.set(datetime.fromisoformat(agent.names["AUTHORIZED_AT"]) + duration(time))


@given(parsers.parse('the seller of the "{account}" account removed the app in Seller Central'))
def _removed_app(world: World, account: str) -> None:
    assert world.amazon.revoke(account) > 0
    world.clock.advance(timedelta(hours=2))  # the access token lapses
    world.app.refresh_due_tokens()  # the sweep learns Amazon said invalid_grant


# --------------------------------------------------------------------------- when


@when(parsers.re(r"the agent runs `sellerlink (?P<command>.*)`"))
def _runs(app: Application, agent: Agent, command: str) -> None:
    agent.before = support_sees(app)
    agent.run(command)


# --------------------------------------------------------------------------- then


@then("the command succeeds")
def _succeeds(agent: Agent) -> None:
    assert agent.last.exit_code == 0, agent.output()


@then(parsers.parse("the command fails with exit code {exit_code:d} and {code}"))
def _fails(agent: Agent, exit_code: int, code: str) -> None:
    assert agent.last.exit_code == exit_code, agent.output()
    assert code in agent.last.stderr
    assert "What to do:" in agent.last.stderr
    assert "Traceback" not in agent.output()


@then(parsers.parse('the agent reads "{text}"'))
def _reads(agent: Agent, text: str) -> None:
    assert agent.expand(text) in agent.output(), agent.output()


@then(
    parsers.parse(
        'the JSON history shows {failures:d} failures "{reason}", {retries:d} retries by '
        '"{actor}" and ends "{state}"'
    )
)
def _json_history(
    agent: Agent, failures: int, reason: str, retries: int, actor: str, state: str
) -> None:
    found = json.loads(agent.last.stdout)
    failed = [t for t in found["retry_history"] if t["to_state"] == "failed"]
    retried = [t for t in found["retry_history"] if t["reason"] == "retry"]
    assert [t["reason"] for t in failed] == [reason] * failures
    assert [t["actor"] for t in retried] == [actor] * retries
    assert found["marketplace"]["state"] == found["transitions"][-1]["to_state"] == state


@then("nothing changed")
def _nothing_changed(app: Application, agent: Agent) -> None:
    assert support_sees(app) == agent.before


@then(parsers.parse('the history of the {country} marketplace ends with a retry by "{actor}"'))
def _history_ends(app: Application, agent: Agent, country: str, actor: str) -> None:
    found = app.support.marketplace_history(agent.names["CONNECTION"], marketplace_id(country))
    last = found.items[-1]
    assert (last.to_state, last.reason, last.actor) == ("setting_up", "retry", actor)


@then(
    parsers.parse('the Selling Partner API token reads "{status}" and the connection is {health}')
)
def _token_reads(agent: Agent, status: str, health: str) -> None:
    assert agent.last.exit_code == 0, agent.output()
    shown = json.loads(agent.last.stdout)
    sp_api = next(g for g in shown["grants"] if g["channel"] == "sp_api")
    assert (sp_api["status_text"], shown["health"]) == (status, health)


@then(parsers.parse('the listed connections are only "{seller_id}"'))
def _listed_only(agent: Agent, seller_id: str) -> None:
    listed = json.loads(agent.last.stdout)
    assert [i["selling_partner_id"] for i in listed["items"]] == [seller_id]
