"""Amazon's regional tables, as data (STYLE: "region tables are data, not if-chains").

Every host and id here comes from ../shared/amazon/AMAZON.md. Hosts Amazon does not list
itself (Seller Central .com.be, .co.za, .eg, .sa, .ie) are kept as data so that a wrong one
is a one-line correction.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from attrs import frozen

from domain.connection import AccountType, Region


@frozen
class MarketplaceInfo:
    """One Amazon marketplace as the Sellers API describes it (sellers.json `Marketplace`).

    `code` is the short name Amazon's id tables and Ads use (UK); `country_code` is the
    ISO 3166-1 code the Sellers API answers with (GB)."""

    id: str
    code: str
    region: Region
    country_code: str
    name: str
    currency: str
    language: str
    domain: str


def _m(
    id_: str, code: str, region: Region, name: str, currency: str, language: str, domain: str
) -> MarketplaceInfo:
    iso = "GB" if code == "UK" else code
    return MarketplaceInfo(id_, code, region, iso, name, currency, language, domain)


NA, EU, FE = Region.NA, Region.EU, Region.FE

_MARKETPLACES = (
    _m("ATVPDKIKX0DER", "US", NA, "Amazon.com", "USD", "en_US", "www.amazon.com"),
    _m("A2EUQ1WTGCTBG2", "CA", NA, "Amazon.ca", "CAD", "en_CA", "www.amazon.ca"),
    _m("A1AM78C64UM0Y8", "MX", NA, "Amazon.com.mx", "MXN", "es_MX", "www.amazon.com.mx"),
    _m("A2Q3Y263D00KWC", "BR", NA, "Amazon.com.br", "BRL", "pt_BR", "www.amazon.com.br"),
    _m("A1F83G8C2ARO7P", "UK", EU, "Amazon.co.uk", "GBP", "en_GB", "www.amazon.co.uk"),
    _m("A1PA6795UKMFR9", "DE", EU, "Amazon.de", "EUR", "de_DE", "www.amazon.de"),
    _m("A13V1IB3VIYZZH", "FR", EU, "Amazon.fr", "EUR", "fr_FR", "www.amazon.fr"),
    _m("APJ6JRA9NG5V4", "IT", EU, "Amazon.it", "EUR", "it_IT", "www.amazon.it"),
    _m("A1RKKUPIHCS9HS", "ES", EU, "Amazon.es", "EUR", "es_ES", "www.amazon.es"),
    _m("A1805IZSGTT6HS", "NL", EU, "Amazon.nl", "EUR", "nl_NL", "www.amazon.nl"),
    _m("A2NODRKZP88ZB9", "SE", EU, "Amazon.se", "SEK", "sv_SE", "www.amazon.se"),
    _m("A1C3SOZRARQ6R3", "PL", EU, "Amazon.pl", "PLN", "pl_PL", "www.amazon.pl"),
    _m("AMEN7PMS3EDWL", "BE", EU, "Amazon.com.be", "EUR", "fr_BE", "www.amazon.com.be"),
    _m("A33AVAJ2PDY3EV", "TR", EU, "Amazon.com.tr", "TRY", "tr_TR", "www.amazon.com.tr"),
    _m("A2VIGQ35RCS4UG", "AE", EU, "Amazon.ae", "AED", "en_AE", "www.amazon.ae"),
    _m("A17E79C6D8DWNP", "SA", EU, "Amazon.sa", "SAR", "ar_SA", "www.amazon.sa"),
    _m("ARBP9OOSHTCHU", "EG", EU, "Amazon.eg", "EGP", "ar_EG", "www.amazon.eg"),
    _m("A21TJRUUN4KGV", "IN", EU, "Amazon.in", "INR", "en_IN", "www.amazon.in"),
    _m("AE08WJ6YKNBMC", "ZA", EU, "Amazon.co.za", "ZAR", "en_ZA", "www.amazon.co.za"),
    _m("A28R8C7NBKEWEA", "IE", EU, "Amazon.ie", "EUR", "en_IE", "www.amazon.ie"),
    _m("A1VC38T7YXB528", "JP", FE, "Amazon.co.jp", "JPY", "ja_JP", "www.amazon.co.jp"),
    _m("A39IBJ37TRP1C6", "AU", FE, "Amazon.com.au", "AUD", "en_AU", "www.amazon.com.au"),
    _m("A19VAU5U5O7RUS", "SG", FE, "Amazon.sg", "SGD", "en_SG", "www.amazon.sg"),
)

MARKETPLACES: Mapping[str, MarketplaceInfo] = MappingProxyType({m.id: m for m in _MARKETPLACES})
MARKETPLACES_BY_CODE: Mapping[str, MarketplaceInfo] = MappingProxyType(
    {m.code: m for m in _MARKETPLACES}
)


def marketplace_id(code: str) -> str:
    """The marketplace id of a marketplace code as AMAZON.md's table writes it (UK, DE...)."""
    return MARKETPLACES_BY_CODE[code].id


def marketplace_ids(region: Region) -> frozenset[str]:
    return frozenset(m.id for m in _MARKETPLACES if m.region is region)


# Seller Central consent hosts by marketplace code (AMAZON.md, Amazon's developer guide plus
# the five hosts other integrations use).
SELLER_CENTRAL_HOSTS: Mapping[str, str] = MappingProxyType(
    {
        "US": "sellercentral.amazon.com",
        "CA": "sellercentral.amazon.ca",
        "MX": "sellercentral.amazon.com.mx",
        "BR": "sellercentral.amazon.com.br",
        "UK": "sellercentral-europe.amazon.com",
        "DE": "sellercentral-europe.amazon.com",
        "FR": "sellercentral-europe.amazon.com",
        "IT": "sellercentral-europe.amazon.com",
        "ES": "sellercentral-europe.amazon.com",
        "NL": "sellercentral.amazon.nl",
        "SE": "sellercentral.amazon.se",
        "PL": "sellercentral.amazon.pl",
        "TR": "sellercentral.amazon.com.tr",
        "AE": "sellercentral.amazon.ae",
        "IN": "sellercentral.amazon.in",
        "JP": "sellercentral.amazon.co.jp",
        "AU": "sellercentral.amazon.com.au",
        "SG": "sellercentral.amazon.sg",
        "BE": "sellercentral.amazon.com.be",
        "ZA": "sellercentral.amazon.co.za",
        "EG": "sellercentral.amazon.eg",
        "SA": "sellercentral.amazon.sa",
        "IE": "sellercentral.amazon.ie",
    }
)

VENDOR_CENTRAL_HOSTS: Mapping[str, str] = MappingProxyType(
    {
        "US": "vendorcentral.amazon.com",
        "CA": "vendorcentral.amazon.ca",
        "MX": "vendorcentral.amazon.com.mx",
        "BR": "vendorcentral.amazon.com.br",
        "UK": "vendorcentral.amazon.co.uk",
        "DE": "vendorcentral.amazon.de",
        "FR": "vendorcentral.amazon.fr",
        "IT": "vendorcentral.amazon.it",
        "ES": "vendorcentral.amazon.es",
        "NL": "vendorcentral.amazon.nl",
        "SE": "vendorcentral.amazon.se",
        "PL": "vendorcentral.amazon.pl",
        "TR": "vendorcentral.amazon.com.tr",
        "IN": "vendorcentral.amazon.in",
        "SG": "vendorcentral.amazon.com.sg",
        "AU": "vendorcentral.amazon.com.au",
        "JP": "vendorcentral.amazon.co.jp",
        "EG": "vendorcentral.amazon.me",
        "AE": "vendorcentral.amazon.me",
    }
)

# When the person did not name a marketplace, the region's main one decides the host.
DEFAULT_CONSENT_MARKETPLACE: Mapping[Region, str] = MappingProxyType({NA: "US", EU: "UK", FE: "JP"})

CONSENT_HOSTS: Mapping[AccountType, Mapping[str, str]] = MappingProxyType(
    {AccountType.SELLER: SELLER_CENTRAL_HOSTS, AccountType.VENDOR: VENDOR_CENTRAL_HOSTS}
)

ADS_AUTHORIZATION_HOSTS: Mapping[Region, str] = MappingProxyType(
    {NA: "www.amazon.com", EU: "eu.account.amazon.com", FE: "apac.account.amazon.com"}
)

# Ads uses the regional LWA hosts; the SP-API documentation names api.amazon.com for every
# region (AMAZON.md: "Ads codes and tokens work with any regional host").
ADS_TOKEN_HOSTS: Mapping[Region, str] = MappingProxyType(
    {NA: "api.amazon.com", EU: "api.amazon.co.uk", FE: "api.amazon.co.jp"}
)
SP_API_TOKEN_HOSTS: Mapping[Region, str] = MappingProxyType(
    {NA: "api.amazon.com", EU: "api.amazon.com", FE: "api.amazon.com"}
)

ADS_API_HOSTS: Mapping[Region, str] = MappingProxyType(
    {
        NA: "advertising-api.amazon.com",
        EU: "advertising-api-eu.amazon.com",
        FE: "advertising-api-fe.amazon.com",
    }
)

SP_API_HOSTS: Mapping[Region, str] = MappingProxyType(
    {
        NA: "sellingpartnerapi-na.amazon.com",
        EU: "sellingpartnerapi-eu.amazon.com",
        FE: "sellingpartnerapi-fe.amazon.com",
    }
)


def consent_host(account_type: AccountType, region: Region, marketplace_id: str | None) -> str:
    """Seller Central or Vendor Central host for the consent page. A marketplace outside the
    region, or one the table has no host for, falls back to the region's main host."""
    hosts = CONSENT_HOSTS[account_type]
    info = MARKETPLACES.get(marketplace_id or "")
    if info is not None and info.region is region and info.code in hosts:
        return hosts[info.code]
    return hosts[DEFAULT_CONSENT_MARKETPLACE[region]]
