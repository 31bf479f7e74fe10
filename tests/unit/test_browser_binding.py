"""RFC 9700 §4.7: an authorization is bound to the browser that went to Amazon through
sellerlink, and only that browser's callback connects anything (DESIGN §14)."""

from __future__ import annotations

import pytest

from application.callback import CallbackCommand
from application.connect import OpenConsentCommand
from domain.errors import DomainError, ErrorCode
from domain.grant import Channel
from domain.team import Plan
from tests.world import World

ATTACKER = "attackers-browser-0123456789"
VICTIM = "victims-browser-0123456789"


def _callback(world: World, query: dict[str, str], browser: str | None) -> object:
    return world.app.complete_callback(
        CallbackCommand(
            channel=Channel.ADS, state=query["state"], code=query.get("code"), browser=browser
        )
    )


def _refused(action: object, *args: object) -> DomainError:
    with pytest.raises(DomainError) as refused:
        action(*args)  # type: ignore[operator]
    return refused.value


def test_a_callback_that_never_went_through_sellerlink_is_refused(acme: World) -> None:
    started = acme.start(Channel.ADS)
    consent = acme.open_consent(started)
    query = acme.amazon.consent(consent, "us-seller")
    error = _refused(_callback, acme, query, None)
    assert error.code is ErrorCode.OAUTH_STATE_INVALID
    assert "started in another browser" in error.detail
    assert acme.amazon.exchange_calls == 0
    # The state is not burned: the browser that started it still finishes.
    _callback(acme, query, acme.browser)
    assert len(acme.app.list_connections(acme.actor())) == 1


def test_consent_phishing_an_attackers_state_approved_in_the_victims_browser_connects_nothing(
    world: World,
) -> None:
    world.create_team("Attacker", plan=Plan.PRO)
    started = world.start(Channel.ADS)
    # The attacker follows their own link to get Amazon's page, and sends that to a victim.
    consent = world.open_consent(started, ATTACKER)
    query = world.amazon.consent(consent, "us-seller")  # the victim approves
    error = _refused(_callback, world, query, VICTIM)
    assert error.code is ErrorCode.OAUTH_STATE_INVALID
    assert world.app.list_connections(world.actor()) == []
    assert world.amazon.exchange_calls == 0


def test_a_link_bound_to_one_browser_cannot_be_opened_by_another(acme: World) -> None:
    started = acme.start(Channel.ADS)
    acme.open_consent(started, ATTACKER)
    error = _refused(acme.app.open_consent, OpenConsentCommand(started.state, VICTIM))
    assert error.code is ErrorCode.OAUTH_STATE_INVALID
    # The same browser may go again (a reload, the back button).
    assert acme.open_consent(started, ATTACKER).startswith("https://")


def test_the_bounce_gives_a_new_browser_its_own_secret(acme: World) -> None:
    started = acme.start(Channel.ADS)
    opened = acme.app.open_consent(OpenConsentCommand(started.state, None))
    assert len(opened.browser) * 6 >= 256
    with acme.app.ports.uow() as uow:
        stored = uow.authorizations.get(started.state)
    assert stored is not None
    assert stored.browser_binding is not None
    assert opened.browser not in stored.browser_binding  # only a digest is kept
