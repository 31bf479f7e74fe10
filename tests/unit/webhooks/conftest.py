from tests.webhook_support import product

__all__ = ["product"]
