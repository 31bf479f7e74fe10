"""The Sellers API in the sandbox: `GET /sellers/v1/marketplaceParticipations`
(models/sellers.json; rate 0.016 req/s, burst 15)."""

from __future__ import annotations

from adapters.amazon import regions
from adapters.amazon.sandbox.core import SandboxCore
from adapters.amazon.sandbox.replies import Reply, json_reply, sp_error


class SellersApi(SandboxCore):
    def participations(self, access_token: str | None) -> Reply:
        operation = "getMarketplaceParticipations"
        scenario, error = self.sp_call(access_token, operation)
        if error is not None or scenario is None:
            return error or sp_error(500, "InternalFailure", "")
        payload = []
        listed = [(c, True) for c in scenario.participations] + [
            (c, False) for c in scenario.not_participating
        ]
        for code, participating in listed:
            info = regions.MARKETPLACES_BY_CODE[code]
            payload.append(
                {
                    "marketplace": {
                        "id": info.id,
                        "name": info.name,
                        "countryCode": info.country_code,
                        "defaultCurrencyCode": info.currency,
                        "defaultLanguageCode": info.language,
                        "domainName": info.domain,
                    },
                    "participation": {
                        "isParticipating": participating,
                        "hasSuspendedListings": False,
                    },
                    "storeName": scenario.account_name,
                }
            )
        return json_reply(200, {"payload": payload}, **self.rate_header(operation))
