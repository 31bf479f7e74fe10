"""The Amazon boundary: Login with Amazon, the Ads API and the Selling Partner API, and the
sandbox that stands in for them."""
