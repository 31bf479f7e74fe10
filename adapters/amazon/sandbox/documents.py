"""Amazon's document storage as the Reports and Feeds APIs hand it out: an absolute,
pre-signed, short-lived https URL per document (AMAZON.md: download it without SP-API
headers; gunzip when `compressionAlgorithm` is GZIP). The sandbox signs `(document id,
expiry)` with a key of its own; a URL past its expiry or with a wrong signature is refused
with S3's 403 `AccessDenied`, an unknown document with 404 `NoSuchKey`.

URLs are built from the configured base URL (AmazonSettings.sandbox_base_url), never from
the request's Host header.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from datetime import datetime, timedelta
from urllib.parse import urlencode

from attrs import define, field

from adapters.amazon.sandbox.replies import Reply, raw

DOCUMENTS_PATH = "/_documents"
# Amazon's report and feed document URLs are short-lived (minutes); the sandbox's last five.
URL_LIFETIME = timedelta(minutes=5)


def _s3_error(status: int, code: str, message: str) -> Reply:
    body = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    )
    return raw(status, body.encode(), "application/xml")


def _media(content_type: str | None) -> str:
    """A Content-Type compared as S3 compares the signed header: case and spaces aside."""
    return "".join((content_type or "").lower().split())


@define
class Document:
    owner: str  # the selling partner it belongs to
    content_type: str
    content: bytes | None = None
    writable: bool = False  # a feed's input document: the owner uploads it once


@define
class DocumentStore:
    base_url: str
    _key: bytes = field(factory=lambda: secrets.token_bytes(32))
    _documents: dict[str, Document] = field(factory=dict)
    _lock: threading.Lock = field(factory=threading.Lock)

    def put(self, document_id: str, document: Document) -> None:
        with self._lock:
            self._documents[document_id] = document

    def get(self, document_id: str) -> Document | None:
        with self._lock:
            return self._documents.get(document_id)

    def url(self, document_id: str, now: datetime) -> str:
        expires = str(int((now + URL_LIFETIME).timestamp()))
        query = urlencode(
            {"X-Amz-Expires": expires, "X-Amz-Signature": self._sign(document_id, expires)}
        )
        return f"{self.base_url.rstrip('/')}{DOCUMENTS_PATH}/{document_id}?{query}"

    def _sign(self, document_id: str, expires: str) -> str:
        return hmac.new(self._key, f"{document_id}|{expires}".encode(), hashlib.sha256).hexdigest()

    def _check(
        self, document_id: str, expires: str | None, signature: str | None, now: datetime
    ) -> Reply | None:
        if not expires or not signature or not expires.isdigit():
            return _s3_error(403, "AccessDenied", "Request is missing its signature.")
        if not hmac.compare_digest(self._sign(document_id, expires), signature):
            return _s3_error(403, "SignatureDoesNotMatch", "The request signature does not match.")
        if now.timestamp() > int(expires):
            return _s3_error(403, "AccessDenied", "Request has expired.")
        return None

    def download(
        self, document_id: str, expires: str | None, signature: str | None, now: datetime
    ) -> Reply:
        refused = self._check(document_id, expires, signature, now)
        if refused is not None:
            return refused
        document = self.get(document_id)
        if document is None or document.content is None:
            return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
        return raw(200, document.content, document.content_type)

    def upload(
        self,
        document_id: str,
        content: bytes,
        expires: str | None,
        signature: str | None,
        now: datetime,
        content_type: str | None = None,
    ) -> Reply:
        """A feed document's upload. Amazon signs the contentType given to
        createFeedDocument into the URL: another Content-Type does not match the signature."""
        refused = self._check(document_id, expires, signature, now)
        if refused is not None:
            return refused
        with self._lock:
            document = self._documents.get(document_id)
            if document is None or not document.writable:
                return _s3_error(403, "AccessDenied", "Access Denied")
            if _media(content_type) != _media(document.content_type):
                return _s3_error(
                    403,
                    "SignatureDoesNotMatch",
                    "The Content-Type is not the contentType the URL was created for.",
                )
            document.content = content
        return raw(200, b"")
