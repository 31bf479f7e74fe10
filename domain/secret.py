"""A wrapper that keeps tokens out of reprs, logs and exception messages."""

from __future__ import annotations

from attrs import field, frozen


@frozen(repr=False)
class Secret:
    """A credential (refresh token, access token, PKCE verifier). Its value is reachable only
    through `reveal()`, so printing a grant or an exception never leaks it."""

    _value: str = field(alias="value")

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)
