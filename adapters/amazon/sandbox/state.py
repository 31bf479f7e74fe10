"""The sandbox's in-memory Amazon, put together from one module per API (as
`adapters/amazon/` is split for the real one): LWA and consent (lwa.py), Ads (ads.py,
ads_reports.py), Sellers (sellers.py), Listings Items (listings.py), Feeds (feeds.py), Orders
(orders.py), Reports (reports.py, report_data.py, documents.py), FBA inventory
(inventory.py), faults (faults.py), on the shared core (core.py) and clock (clock.py).

Everything Amazon decides lives in these modules, independent of the web framework:
`routes.py` maps a request to an operation, `app.py` serves it over HTTP and
`in_process.py` drives it behind the AmazonGateway port without a socket.
"""

from __future__ import annotations

from adapters.amazon.sandbox.ads_reports import AdsReportsApi
from adapters.amazon.sandbox.core import SandboxCore
from adapters.amazon.sandbox.faults import Fault, FaultsApi
from adapters.amazon.sandbox.feeds import SandboxFeeds
from adapters.amazon.sandbox.inventory import InventoryApi
from adapters.amazon.sandbox.listings import ListingsApi
from adapters.amazon.sandbox.lwa import LwaApi
from adapters.amazon.sandbox.orders import OrdersApi
from adapters.amazon.sandbox.replies import Reply
from adapters.amazon.sandbox.reports import ReportsApi
from adapters.amazon.sandbox.sellers import SellersApi

__all__ = ["Fault", "Reply", "Sandbox", "SandboxCore"]


class Sandbox(
    LwaApi, AdsReportsApi, SellersApi, ListingsApi, OrdersApi, ReportsApi, InventoryApi, FaultsApi
):
    """One emulated Amazon (LWA, Ads, SP-API) for the apps named in `settings`."""

    def reset(self) -> None:
        super().reset()
        with self._lock:
            self.feeds = SandboxFeeds(self, self.documents)
