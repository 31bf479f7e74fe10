"""The error catalogue (DESIGN §4): every code a person can meet says what happened and how
to fix it, in the help pages' words, and no error ever shows a secret."""

from __future__ import annotations

import pytest

import domain.errors as errors
from domain.errors import CATALOGUE, DomainError, ErrorCode
from domain.secret import Secret


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_error_code_has_a_message_and_a_remediation(code: ErrorCode) -> None:
    spec = CATALOGUE[code]
    assert spec.code is code
    assert spec.title.strip()
    assert spec.message.strip().endswith((".", "!"))
    assert spec.remediation
    assert all(step.strip() for step in spec.remediation)


@pytest.mark.parametrize("code", [c for c in ErrorCode if not CATALOGUE[c].warning])
def test_every_error_code_has_its_own_exception_class(code: ErrorCode) -> None:
    classes = [
        value
        for value in vars(errors).values()
        if isinstance(value, type)
        and issubclass(value, DomainError)
        and value is not DomainError
        and value.code is code
    ]
    assert len(classes) == 1
    raised = classes[0]()
    assert raised.code is code
    assert raised.detail == CATALOGUE[code].message
    assert raised.remediation == CATALOGUE[code].remediation


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (ErrorCode.SESSION_EXPIRED, "Session has expired. Please try again."),
        (ErrorCode.ACCOUNT_IN_USE, "This account is already in use. Please Try Again."),
        (ErrorCode.REFRESH_TOKEN_FAILED, "Failed to retrieve refresh token. Please try again."),
    ],
)
def test_seed_002_messages_are_shown_word_for_word(code: ErrorCode, words: str) -> None:
    assert CATALOGUE[code].message == words


def test_only_no_active_campaigns_is_a_warning() -> None:
    warnings = [code for code, spec in CATALOGUE.items() if spec.warning]
    assert warnings == [ErrorCode.NO_ACTIVE_CAMPAIGNS]


def test_a_secret_never_shows_in_reprs_or_messages() -> None:
    token = Secret("Atzr|very-secret-refresh-token")
    error = errors.TokenRevoked(f"refused {token}", context={"token": token})
    for text in (repr(token), str(token), str(error), repr(error), repr(error.context)):
        assert "very-secret" not in text
    assert token.reveal() == "Atzr|very-secret-refresh-token"
