"""Amazon Ads profiles and the rule for choosing one (seed 000)."""

from __future__ import annotations

from enum import StrEnum

from attrs import frozen


class AdsAccountType(StrEnum):
    SELLER = "seller"
    VENDOR = "vendor"
    AGENCY = "agency"


@frozen
class Profile:
    profile_id: str
    country_code: str
    currency_code: str
    marketplace_id: str
    account_type: AdsAccountType
    account_name: str
    account_id: str
    timezone: str = ""


def auto_selected_profile(profiles: list[Profile], selectable: list[Profile]) -> Profile | None:
    """Seed 000: "Prism auto-submits only when Amazon returns exactly one profile.
    Multi-profile accounts still require explicit selection." One profile that the plan does
    not cover is not auto-selected either: it cannot be selected at all."""
    if len(profiles) == 1 and profiles[0] in selectable:
        return profiles[0]
    return None
