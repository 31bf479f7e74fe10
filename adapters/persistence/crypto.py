"""Token encryption at rest: AES-256-GCM with a keyring (DESIGN §7).

- Every ciphertext is stored with the id of the key that sealed it, so keys can rotate:
  new writes use the newest key, reads use whichever key the row names, and
  `rotation.rotate_keys` re-seals old rows under the newest key in batches.
- The row's identity (team, connection or state, channel, field) is bound as associated
  data: a ciphertext copied to another row, another field or another team fails to decrypt.
- Keys and plaintexts never appear in reprs or exception messages.

Stored form: 12-byte random nonce followed by the GCM ciphertext and its 16-byte tag."""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path

from attrs import frozen
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.secret import Secret

KEY_BYTES = 32
NONCE_BYTES = 12
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class KeyringError(ValueError):
    """The keyring setting is malformed. The message never contains key material."""


class DecryptionFailed(Exception):
    """A stored ciphertext could not be opened: wrong key, unknown key id, tampering, or a
    ciphertext moved from another row. The message names the key id and the binding only."""


@frozen
class Sealed:
    """A ciphertext and the id of the key that sealed it: the two columns a row stores."""

    key_id: str
    ciphertext: bytes

    def __repr__(self) -> str:
        return f"Sealed(key_id={self.key_id!r}, {len(self.ciphertext)} bytes)"


def associated_data(*parts: str) -> bytes:
    """Unambiguous encoding of the row identity a ciphertext is bound to."""
    return json.dumps(["sellerlink/v1", *parts], separators=(",", ":")).encode()


class Keyring:
    """Key id → 32-byte AES key, newest first. Configured as
    `k2:<base64url key>,k1:<base64url key>` (SELLERLINK_ENCRYPTION_KEYS)."""

    def __init__(self, keys: Sequence[tuple[str, bytes]]) -> None:
        if not keys:
            raise KeyringError("a keyring needs at least one key")
        seen: dict[str, bytes] = {}
        for key_id, key in keys:
            if not _KEY_ID.match(key_id):
                raise KeyringError(
                    f"key id {key_id!r} must be 1-32 letters, digits, '.', '_' or '-'"
                )
            if key_id in seen:
                raise KeyringError(f"key id {key_id!r} appears twice")
            if len(key) != KEY_BYTES:
                raise KeyringError(f"key {key_id!r} must be {KEY_BYTES} bytes")
            seen[key_id] = bytes(key)
        self._order = [key_id for key_id, _ in keys]
        self._ciphers = {key_id: AESGCM(key) for key_id, key in seen.items()}
        self._keys = seen

    # -- building ----------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> Keyring:
        entries = [part.strip() for part in text.split(",") if part.strip()]
        keys: list[tuple[str, bytes]] = []
        for position, entry in enumerate(entries, start=1):
            key_id, sep, encoded = entry.partition(":")
            if not sep:
                raise KeyringError(f"keyring entry {position} is not of the form id:base64url")
            try:
                key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            except (binascii.Error, ValueError):
                raise KeyringError(f"key {key_id!r} is not valid base64url") from None
            keys.append((key_id.strip(), key))
        return cls(keys)

    @classmethod
    def generate(cls, key_id: str | None = None) -> Keyring:
        """A keyring with one fresh random key (for a first start or a new key to prepend)."""
        return cls([(key_id or f"k{secrets.token_hex(4)}", os.urandom(KEY_BYTES))])

    def with_new_key(self, key_id: str | None = None) -> Keyring:
        """This keyring with a fresh key in front: the first step of a rotation."""
        fresh = Keyring.generate(key_id)
        return Keyring([*fresh._items(), *self._items()])

    def to_setting(self) -> str:
        """The configuration text `parse` reads. It contains the keys: treat it as a secret."""
        return ",".join(
            f"{key_id}:{base64.urlsafe_b64encode(key).decode().rstrip('=')}"
            for key_id, key in self._items()
        )

    def _items(self) -> Iterable[tuple[str, bytes]]:
        return ((key_id, self._keys[key_id]) for key_id in self._order)

    # -- reading -----------------------------------------------------------------------

    @property
    def newest_id(self) -> str:
        return self._order[0]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._order)

    def __repr__(self) -> str:
        return f"Keyring(ids={self._order!r})"

    __str__ = __repr__

    # -- sealing -----------------------------------------------------------------------

    def seal(self, plaintext: str, aad: bytes) -> Sealed:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.newest_id].encrypt(nonce, plaintext.encode(), aad)
        return Sealed(self.newest_id, nonce + sealed)

    def open(self, sealed: Sealed, aad: bytes) -> str:
        cipher = self._ciphers.get(sealed.key_id)
        if cipher is None:
            raise DecryptionFailed(
                f"ciphertext sealed with key {sealed.key_id!r}, which is not in the keyring "
                f"{self._order!r}"
            )
        nonce, body = sealed.ciphertext[:NONCE_BYTES], sealed.ciphertext[NONCE_BYTES:]
        try:
            return cipher.decrypt(nonce, body, aad).decode()
        except InvalidTag:
            raise DecryptionFailed(
                f"ciphertext sealed with key {sealed.key_id!r} does not open for this row: "
                "tampered, or moved from another row"
            ) from None

    def seal_secret(self, secret: Secret | None, aad: bytes) -> Sealed | None:
        return None if secret is None else self.seal(secret.reveal(), aad)

    def open_secret(
        self, key_id: str | None, ciphertext: bytes | None, aad: bytes
    ) -> Secret | None:
        if ciphertext is None:
            return None
        if key_id is None:
            raise DecryptionFailed("a ciphertext is stored without its key id")
        return Secret(self.open(Sealed(key_id, bytes(ciphertext)), aad))


def keyring_file(path: str | Path) -> Keyring:
    """The embedded default's keyring: read from `path`, or generated there on first start
    (mode 0600, never logged). With SELLERLINK_ENCRYPTION_KEYS set, use `Keyring.parse`
    instead; the file is for a single-machine install that has nowhere else to keep it."""
    path = Path(path)
    if path.exists():
        return Keyring.parse(path.read_text().strip())
    keyring = Keyring.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(keyring.to_setting() + "\n")
    return keyring


# The bindings: which row identity each encrypted field is tied to.


def grant_refresh_token_aad(team_id: str, connection_id: str, channel: str) -> bytes:
    return associated_data("grant.refresh_token", team_id, connection_id, channel)


def grant_access_token_aad(team_id: str, connection_id: str, channel: str) -> bytes:
    return associated_data("grant.access_token", team_id, connection_id, channel)


def code_verifier_aad(team_id: str, state: str, channel: str) -> bytes:
    return associated_data("authorization.code_verifier", team_id, state, channel)


def webhook_secret_aad(team_id: str, endpoint_id: str, slot: str) -> bytes:
    return associated_data("webhook.secret", team_id, endpoint_id, slot)
