"""The hosted connect flow in Chromium when something stands in the way (DESIGN §14): a
denial on Amazon, the wrong account, a state approved in another browser, an expired
connection, a disconnect, the demo opened under another host name; and the pages beside the
flow (error pages, the API reference) rendered offline and accessibly."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import (
    Product,
    TeamRef,
    check_accessibility,
    connected_through_the_flow,
    open_flow,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_the_demo_opened_as_localhost_moves_to_the_banners_address(
    product: Product, context: Any
) -> None:
    """The flow's links and Amazon's callbacks use the banner's 127.0.0.1: a demo page left
    on localhost would bind the browser on a host the callback never sees."""
    other_name = product.base_url.replace("127.0.0.1", "localhost")
    page = context.new_page()
    page.goto(other_name + "/demo?x=1")
    assert page.url == product.base_url + "/demo?x=1"
    created = product.http.post(  # a product's back end calling sellerlink as localhost
        other_name + "/api/v1/connect-sessions", json={}, headers=product.auth(product.demo.token)
    )
    assert created.json()["url"].startswith(product.base_url + "/connect/")


def test_a_denial_on_amazon_is_explained_inline_with_its_fix(
    product: Product, team: TeamRef, context: Any
) -> None:
    flow = open_flow(context, "denied", product.connect_link(team.token))
    page = flow.page
    flow.heading("Connect your Amazon account")
    flow.click(flow.button("Connect Amazon Ads"))
    flow.on_amazon("us-seller", approve=False)
    page.wait_for_selector("#error")
    flow.step("denied")
    assert page.evaluate("document.activeElement.id") == "error"  # told at once
    error = page.locator("#error").inner_text()
    assert "Authorization was declined on Amazon" in error
    assert "How to fix it" in error
    assert page.get_by_role("link", name=re.compile("AUTHORIZATION_DENIED")).count() == 1
    assert flow.button("Try again").is_visible()
    assert product.connections(team.token) == []


def test_reconnecting_with_the_wrong_account_offers_connect_different_account(
    product: Product, team: TeamRef, context: Any
) -> None:
    flow = connected_through_the_flow(product, team, context, "wrong-account")
    page = flow.page
    flow.click(flow.button("Reconnect"))
    flow.on_amazon("multi-profile-seller")
    page.wait_for_selector("#error")
    flow.step("wrong-account")
    assert "Wrong Amazon account" in page.locator("#error").inner_text()
    assert "Click Connect Different Account" in page.locator("#error").inner_text()
    flow.click(flow.button("Connect Different Account"))
    flow.on_amazon("us-seller")
    flow.heading("Your Amazon account is connected")
    assert page.locator("#error").count() == 0
    flow.step("reconnected")


def test_disconnect_asks_first(product: Product, team: TeamRef, context: Any) -> None:
    flow = connected_through_the_flow(product, team, context, "disconnect")
    page = flow.page
    page.get_by_role("link", name="Disconnect").click()
    flow.heading("Disconnect")
    flow.step("confirm")
    assert product.connections(team.token)[0]["health"] != "disconnected"
    flow.click(flow.button("Disconnect"))
    flow.heading("Reconnect Required")
    assert page.get_by_text("This connection was disconnected.").is_visible()


def test_the_phishing_attempt_a_state_approved_in_another_browser_is_refused(
    product: Product, team: TeamRef, browser: Any, context: Any
) -> None:
    attacker = open_flow(context, "phishing-attacker", product.connect_link(team.token))
    attacker.click(attacker.button("Connect Amazon Ads"))
    attacker.page.wait_for_url(re.compile("/sandbox/"))
    amazon_link = attacker.page.url  # what the attacker sends to a victim
    victim_context = browser.new_context()
    try:
        victim = open_flow(victim_context, "phishing-victim", amazon_link)
        victim.on_amazon("us-seller")
        victim.page.wait_for_url(re.compile("/oauth/amazon-ads/callback"))
        assert "started in another browser" in victim.page.content()
        assert victim.page.get_by_role("link", name=re.compile("More about this error")).count()
        victim.step("refused")
    finally:
        victim_context.close()
    assert product.connections(team.token) == []


def test_the_error_pages_are_accessible(product: Product, context: Any) -> None:
    page = context.new_page()
    for path in ("/errors/WRONG_ACCOUNT", "/errors/RETRY_LIMIT_EXCEEDED", "/errors"):
        page.goto(product.base_url + path)
        check_accessibility(page, path)
        assert page.locator("h1").count() == 1


def test_an_expired_connection_is_reconnected_after_a_year(
    product: Product, team: TeamRef, context: Any
) -> None:
    """Last: it moves the shared sandbox clock a year on."""
    connection = product.connect_by_api(team, "us-seller")
    product.advance_clock(days=366)
    flow = open_flow(
        context, "expired", product.connect_link(team.token, connection_id=connection["id"])
    )
    page = flow.page
    flow.heading("Reconnect Required")
    flow.step("reconnect-required")
    assert "Expired" in page.locator(".card").inner_text()
    flow.click(flow.button("Reconnect"))
    flow.on_amazon("us-seller")
    page.wait_for_selector("#heading:not(:has-text('Reconnect Required'))")
    flow.step("reconnected")
    (after,) = product.connections(team.token)
    assert after["id"] == connection["id"]
    assert after["health"] == "connected"


def test_the_openapi_ui_renders_without_the_internet(product: Product, context: Any) -> None:
    """Chromium here cannot reach any CDN: the reference renders from sellerlink's files."""
    page = context.new_page()
    page.goto(product.base_url + "/schema")
    page.wait_for_selector(".swagger-ui .info .title:has-text('sellerlink')")
    assert page.locator(".opblock-tag:has-text('connecting')").count() == 1
