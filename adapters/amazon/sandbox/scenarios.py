"""The sandbox's seeded accounts: one per situation sellerlink must handle (issue 4, API.md's
"Sandbox conventions" fixes the names).

A scenario is what a person signs in as on the sandbox consent page. Its selling partner id
and its Ads account id are what Amazon would report; for sellers they are the same id
(AMAZON.md: `accountInfo.id` for sellers is the merchant id), except in mismatch-seller.

The sandbox has one base URL for every host family, so it cannot tell the NA host from the
EU one. It therefore answers with the account's participations and profiles in every region;
the adapter keeps the ones of the region it asked (as Amazon's regional hosts would).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

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


def _s(**kwargs: object) -> Scenario:
    return Scenario(**kwargs)  # type: ignore[arg-type]


_SCENARIOS = (
    _s(
        name="us-seller",
        summary="A seller in the US with one advertising profile: connects end to end and "
        "the profile is selected automatically.",
        account_name="Acme Outdoor",
        account_type="seller",
        selling_partner_id="A1SBXUSSELLER01",
        ads_account_id="A1SBXUSSELLER01",
        profiles=("US",),
        participations=("US",),
        profile_id_base=3_100_000_000_000_000,
    ),
    _s(
        name="multi-profile-seller",
        summary="A North America seller with US, CA and MX profiles: the person must choose one.",
        account_name="Northwind Goods",
        account_type="seller",
        selling_partner_id="A1SBXMULTIPROF1",
        ads_account_id="A1SBXMULTIPROF1",
        profiles=("US", "CA", "MX"),
        participations=("US", "CA", "MX"),
        profile_id_base=3_200_000_000_000_000,
    ),
    _s(
        name="eu-seller",
        summary="A European seller with profiles and participations in UK, DE, FR, IT, ES; "
        "Amazon.nl is listed but the seller is not registered there (greyed out).",
        account_name="Kontor Europa",
        account_type="seller",
        selling_partner_id="A1SBXEUSELLER01",
        ads_account_id="A1SBXEUSELLER01",
        profiles=("UK", "DE", "FR", "IT", "ES"),
        participations=("UK", "DE", "FR", "IT", "ES"),
        # Seed 001's greyed-out venue: listed by Amazon, the seller not registered there.
        not_participating=("NL",),
        profile_id_base=3_300_000_000_000_000,
    ),
    _s(
        name="vendor",
        summary="A US vendor with Amazon Ads only: its SP-API consent works but the Sellers "
        "API lists no marketplace (vendors do not sell through Seller Central).",
        account_name="Brandworks Vendor",
        account_type="vendor",
        selling_partner_id="A1SBXVENDOR0001",
        ads_account_id="ENTITY1SBXVENDOR",
        profiles=("US",),
        profile_id_base=3_400_000_000_000_000,
    ),
    _s(
        name="vendor-central",
        summary="A US vendor with Amazon Ads and the Selling Partner API through Vendor "
        "Central: vendor sales and traffic reports; seller-only operations are refused.",
        account_name="Brandworks Vendor Central",
        account_type="vendor",
        selling_partner_id="A1SBXVNDCENTRL1",
        ads_account_id="ENTITY1SBXVNDCTL",
        profiles=("US",),
        vendor_central=True,
        profile_id_base=4_300_000_000_000_000,
    ),
    _s(
        name="no-ads-seller",
        summary="A US seller that never set up Amazon Ads: /v2/profiles is empty "
        "(ADVERTISING_NOT_ENABLED).",
        account_name="Quiet Shop",
        account_type="seller",
        selling_partner_id="A1SBXNOADSSELL1",
        ads_account_id="A1SBXNOADSSELL1",
        participations=("US",),
        profile_id_base=3_500_000_000_000_000,
    ),
    _s(
        name="mismatch-seller",
        summary="The advertising account (accountInfo.id) is not the Selling Partner account "
        "(ADS_SP_MISMATCH).",
        account_name="Mixed Signals",
        account_type="seller",
        selling_partner_id="A1SBXMISMATCH01",
        ads_account_id="A1SBXOTHERADS01",
        profiles=("US",),
        participations=("US",),
        profile_id_base=3_600_000_000_000_000,
    ),
    _s(
        name="wrong-region-seller",
        summary="A seller registered in Europe (UK, DE) only: asked about North America or "
        "the Far East, Amazon lists no participation there (REFRESH_TOKEN_FAILED).",
        account_name="Far Away Shop",
        account_type="seller",
        selling_partner_id="A1SBXWRONGREG01",
        ads_account_id="A1SBXWRONGREG01",
        profiles=("UK",),
        participations=("UK", "DE"),
        not_participating=("US",),
        profile_id_base=3_700_000_000_000_000,
    ),
    _s(
        name="failing-marketplace-seller",
        summary="A European seller (UK, DE, FR, IT): setting up DE fails twice then succeeds "
        "on the third attempt; setting up IT always fails.",
        account_name="Bumpy Road",
        account_type="seller",
        selling_partner_id="A1SBXFAILMKT001",
        ads_account_id="A1SBXFAILMKT001",
        profiles=("UK", "DE", "IT"),
        participations=("UK", "DE", "FR", "IT"),
        setup_failures=MappingProxyType({"DE": 2, "IT": ALWAYS}),
        profile_id_base=3_800_000_000_000_000,
    ),
    _s(
        name="individual-plan-seller",
        summary="A US seller on the Individual selling plan: consent and Ads work, every "
        "SP-API call answers 403 (PROFESSIONAL_SELLING_PLAN_REQUIRED).",
        account_name="Side Hustle",
        account_type="seller",
        selling_partner_id="A1SBXINDIVID001",
        ads_account_id="A1SBXINDIVID001",
        profiles=("US",),
        participations=("US",),
        individual_plan=True,
        profile_id_base=3_900_000_000_000_000,
    ),
    _s(
        name="view-only-agency",
        summary="An agency user with View-only Ads permission: /v2/profiles is empty "
        "(no profile with View and Edit).",
        account_name="Agency Viewer",
        account_type="agency",
        selling_partner_id="A1SBXVIEWONLY01",
        ads_account_id="ENTITY1SBXAGENCY",
        profile_id_base=4_000_000_000_000_000,
    ),
    _s(
        name="denying-user",
        summary="A person who declines: even Approve redirects with error=access_denied.",
        account_name="Says No",
        account_type="seller",
        selling_partner_id="A1SBXDENYING001",
        ads_account_id="A1SBXDENYING001",
        profiles=("US",),
        participations=("US",),
        denies=True,
        profile_id_base=4_100_000_000_000_000,
    ),
    _s(
        name="no-campaigns-seller",
        summary="A US seller whose one advertising profile has no active campaign: it "
        "connects, with the NO_ACTIVE_CAMPAIGNS warning (data may take up to 24 hours).",
        account_name="Fresh Start",
        account_type="seller",
        selling_partner_id="A1SBXNOCAMPGN01",
        ads_account_id="A1SBXNOCAMPGN01",
        profiles=("US",),
        participations=("US",),
        active_campaigns=False,
        profile_id_base=4_200_000_000_000_000,
    ),
)

SCENARIOS: Mapping[str, Scenario] = MappingProxyType({s.name: s for s in _SCENARIOS})
BY_SELLING_PARTNER: Mapping[str, Scenario] = MappingProxyType(
    {s.selling_partner_id: s for s in _SCENARIOS}
)
