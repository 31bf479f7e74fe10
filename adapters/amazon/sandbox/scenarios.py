"""The sandbox's seeded accounts: one per situation sellerlink must handle (API.md's
"Sandbox conventions" fixes the names). The accounts themselves are rows of scenarios.toml.

A scenario is what a person signs in as on the sandbox consent page. Its selling partner id
and its Ads account id are what Amazon would report; for sellers they are the same id
(AMAZON.md: `accountInfo.id` for sellers is the merchant id), except in mismatch-seller.

The sandbox has one base URL for every host family, so it cannot tell the NA host from the
EU one. It therefore answers with the account's participations and profiles in every region;
the adapter keeps the ones of the region it asked (as Amazon's regional hosts would).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib.resources import files
from types import MappingProxyType

import cattrs
from attrs import frozen

# Marketplace code -> the timezone Amazon Ads reports for its profiles.
TIMEZONES: Mapping[str, str] = MappingProxyType(
    {
        "US": "America/Los_Angeles",
        "CA": "America/Los_Angeles",
        "MX": "America/Los_Angeles",
        "UK": "Europe/London",
        "DE": "Europe/Paris",
        "FR": "Europe/Paris",
        "IT": "Europe/Paris",
        "ES": "Europe/Paris",
        "JP": "Asia/Tokyo",
    }
)

ALWAYS = -1  # a setup that never succeeds


@frozen
class Scenario:
    name: str
    summary: str
    account_name: str
    account_type: str  # Ads accountInfo.type: seller | vendor | agency
    selling_partner_id: str
    ads_account_id: str
    # Marketplace codes with an Ads profile (View and Edit permission) for this user.
    profiles: tuple[str, ...] = ()
    # Marketplace codes the seller participates in (SP-API).
    participations: tuple[str, ...] = ()
    # Marketplace codes listed by the Sellers API with isParticipating=false.
    not_participating: tuple[str, ...] = ()
    # Marketplace code -> how many setup attempts fail before one succeeds (ALWAYS: never).
    setup_failures: Mapping[str, int] = MappingProxyType({})
    individual_plan: bool = False
    denies: bool = False
    profile_id_base: int = 0
    # Seed 002: its profiles have no ENABLED campaign (the NO_ACTIVE_CAMPAIGNS warning).
    active_campaigns: bool = True
    # A vendor whose SP-API consent came through Vendor Central: vendor reports, no
    # seller-only operation (DESIGN §9).
    vendor_central: bool = False

    def profile_id(self, code: str) -> int:
        return self.profile_id_base + self.profiles.index(code) + 1


def _setup_failures(table: Mapping[str, int | str], _: object) -> Mapping[str, int]:
    return MappingProxyType(
        {code: ALWAYS if n == "always" else int(n) for code, n in table.items()}
    )


def _load() -> tuple[Scenario, ...]:
    """The table is data (scenarios.toml) so that adding a situation is adding a row, not
    code; cattrs turns each row into a `Scenario` and refuses a misspelt field."""
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook_func(lambda t: t == Mapping[str, int], _setup_failures)
    rows = tomllib.loads(files(__package__).joinpath("scenarios.toml").read_text("utf-8"))
    return tuple(converter.structure(row, Scenario) for row in rows["scenario"])


_SCENARIOS = _load()

SCENARIOS: Mapping[str, Scenario] = MappingProxyType({s.name: s for s in _SCENARIOS})
BY_SELLING_PARTNER: Mapping[str, Scenario] = MappingProxyType(
    {s.selling_partner_id: s for s in _SCENARIOS}
)
