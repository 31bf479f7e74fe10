"""Browser tests of the hosted connect flow: Playwright driving Debian's Chromium against the
product exactly as `make run` wires it (SQLite, the sandbox mounted at /sandbox and reached
over loopback, the in-process worker moving marketplaces along by itself).

Kept fast for CI: ONE server and ONE browser for each module (both gone, worker stopped,
before the rest of the suite runs), a fresh browser context
(cookies and all) per test, and a team per test. Each test disconnects its team's
connections when it ends, so the sandbox's accounts are free for the next one.

Chromium is installed when missing (chromium.py). If it cannot be had, the tests fail in CI
(CI=true) and are skipped elsewhere with the reason."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from attrs import define, field

from adapters.http import mint_dev_token
from adapters.worker import InProcessWorker
from harness.driver import Api, SandboxAmazonPage, User
from harness.postgres import in_ci
from harness.server import loopback_socket, production_container, serve
from tests.browser.chromium import LAUNCH_ARGS, ChromiumUnavailable, ensure_chromium

JWT_SECRET = "browser-tests-secret-0123456789-abcdef"
SCREENSHOTS = Path(__file__).parent / "screenshots"
BAD_IMPACT = {"serious", "critical"}
APPROVE = re.compile(r"^(Approve|Allow)$")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    try:
        return ensure_chromium()
    except ChromiumUnavailable as why:
        if in_ci():
            pytest.fail(f"Chromium is required in CI: {why}")
        pytest.skip(f"Chromium unavailable: {why}")


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium_path), args=LAUNCH_ARGS, headless=True
        )
        yield launched
        launched.close()


@define
class TeamRef:
    id: str
    owner: str
    token: str


@define
class Product:
    """The running product and a back end's view of it (a product calling sellerlink)."""

    base_url: str
    http: httpx.Client
    container: Any
    worker: InProcessWorker
    settings: Any
    demo: TeamRef
    teams: list[TeamRef] = field(factory=list)

    def team(self, name: str) -> TeamRef:
        """A new team on the pro plan, with its owner's token."""
        owner = f"owner@{name.lower()}-{len(self.teams)}"
        token = mint_dev_token(JWT_SECRET, owner)
        created = self.http.post(
            "/api/v1/teams",
            json={"name": name, "kind": "brand"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert created.status_code == 201, created.text
        team_id = created.json()["id"]
        token = mint_dev_token(JWT_SECRET, owner, team_id)
        upgraded = self.http.patch(
            f"/api/v1/teams/{team_id}", json={"plan": "pro"}, headers=self.auth(token)
        )
        assert upgraded.status_code == 200, upgraded.text
        team = TeamRef(team_id, owner, token)
        self.teams.append(team)
        return team

    @staticmethod
    def auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def connect_link(self, token: str, **body: Any) -> str:
        created = self.http.post("/api/v1/connect-sessions", json=body, headers=self.auth(token))
        assert created.status_code == 201, created.text
        return str(created.json()["url"])

    def connections(self, token: str) -> list[dict[str, Any]]:
        listed = self.http.get("/api/v1/connections", headers=self.auth(token))
        assert listed.status_code == 200, listed.text
        return list(listed.json()["items"])

    def connect_by_api(self, team: TeamRef, account: str) -> dict[str, Any]:
        """A connection made before the test's browser arrives, through the same bounce,
        consent form and callback a browser uses (harness/driver.py)."""
        with httpx.Client(base_url=self.base_url, timeout=30) as browser_like:
            api = Api(browser_like, SandboxAmazonPage(browser_like), JWT_SECRET)
            user = User(team.owner, team.token, team.id)
            return dict(api.connect(user, account)["connection"])

    def advance_clock(self, days: float) -> None:
        moved = self.http.post("/sandbox/_admin/clock", json={"advance_seconds": days * 86_400})
        assert moved.status_code == 200, moved.text

    def release_accounts(self, token: str) -> None:
        for connection in self.connections(token):
            self.http.delete(f"/api/v1/connections/{connection['id']}", headers=self.auth(token))


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Product]:
    from bootstrap.serve import DEMO_USERS, build_server_app, seed_demo_team

    sock = loopback_socket()
    data_dir = tmp_path_factory.mktemp("browser")
    with production_container(data_dir, JWT_SECRET, sock.getsockname()[1]) as container:
        settings = container.settings()
        worker = InProcessWorker(container.application(), interval=0.2, name="browser-tests-worker")
        # The demo team and tokens exactly as `sellerlink serve` makes them (the banner's /demo).
        demo_team = seed_demo_team(container.application(), settings.data_dir)
        tokens = {
            role: mint_dev_token(JWT_SECRET, user, demo_team) for role, user in DEMO_USERS.items()
        }
        app = build_server_app(container, tokens, worker)
        owner = next(iter(DEMO_USERS.items()))
        demo = TeamRef(demo_team, owner[1], tokens[owner[0]])
        worker.start()
        try:
            with serve(app, sock=sock) as url, httpx.Client(base_url=url, timeout=30) as http:
                yield Product(url, http, container, worker, settings, demo)
        finally:
            worker.stop(timeout=10)


@pytest.fixture
def team(product: Product) -> Iterator[TeamRef]:
    created = product.team("Acme")
    yield created
    product.release_accounts(created.token)


@pytest.fixture(autouse=True)
def amazon_rate_budget_refilled(product: Product) -> None:
    """Every test connects the same sandbox sellers, whose Amazon rate budget is one per
    seller: half an hour of Amazon's time between tests refills it (getOrders and the
    Reports API give one call a minute), so a test's first sync is not throttled by the
    history the tests before it fetched."""
    product.advance_clock(1 / 48)


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A browser profile of its own (cookies, storage) for each test."""
    created = browser.new_context(viewport={"width": 1000, "height": 900}, locale="en-US")
    created.set_default_timeout(15_000)
    yield created
    created.close()


@define
class Flow:
    """One person's walk through the flow: counts the clicks, saves a screenshot of each
    step, and runs axe-core on each of sellerlink's pages."""

    page: Any
    name: str
    clicks: int = 0
    keys: int = 0
    started: float = field(factory=time.monotonic)
    shots: list[Path] = field(factory=list)
    checking: float = 0.0  # seconds spent in axe-core and screenshots, not by the person

    def click(self, locator: Any) -> None:
        locator.click()
        self.clicks += 1

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.keys += 1

    def step(self, label: str) -> None:
        """The page shows a step: check it is accessible and keep a picture of it."""
        self.page.wait_for_load_state("load")
        began = time.monotonic()
        check_accessibility(self.page, f"{self.name}/{label}")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.name}-{len(self.shots) + 1:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)
        self.checking += time.monotonic() - began

    def on_amazon(self, account: str, *, approve: bool = True) -> None:
        """Amazon's (the sandbox's) consent page: sign in as `account`, Approve or Deny."""
        radio = self.page.locator(f"input[name=account][value='{account}']")
        if not radio.is_checked():
            self.click(radio)
        button = APPROVE if approve else re.compile("^Deny$")
        self.click(self.page.get_by_role("button", name=button))

    def heading(self, text: str, timeout: float = 20_000) -> None:
        """Wait until the flow's step is the one headed `text`."""
        self.page.wait_for_selector(f"#heading:has-text('{text}')", timeout=timeout)

    def button(self, name: str | re.Pattern[str]) -> Any:
        return self.page.get_by_role("button", name=name)

    def connect_seller(self, account: str, label: str = "Connect Amazon Ads") -> None:
        """From the first step through Amazon Ads and the Selling Partner API."""
        self.heading("Connect your Amazon account")
        self.step("account")
        self.click(self.button(label))
        self.on_amazon(account)
        self.heading("Connect the Selling Partner API")
        self.step("sp-api")
        self.click(self.button("Connect Selling Partner API"))
        self.on_amazon(account)

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started


def open_flow(context: Any, name: str, link: str | None = None) -> Flow:
    """The person opens a new tab (on a connect `link`, if given)."""
    flow = Flow(context.new_page(), name)
    if link is not None:
        flow.page.goto(link)
    return flow


def connected_through_the_flow(product: Product, team: TeamRef, context: Any, name: str) -> Flow:
    """us-seller connected through the API, then its flow opened and its marketplaces set
    up until the flow says it is connected."""
    connection = product.connect_by_api(team, "us-seller")
    flow = open_flow(
        context, name, product.connect_link(team.token, connection_id=connection["id"])
    )
    flow.heading("Choose your marketplaces")
    flow.click(flow.button("Set up selected marketplaces"))
    flow.heading("Your Amazon account is connected")
    return flow


def check_accessibility(page: Any, where: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in BAD_IMPACT]
    summary = "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:3])
        for v in bad
    )
    assert not bad, f"axe-core on {where}: {summary}"
