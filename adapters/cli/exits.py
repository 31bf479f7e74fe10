"""Exit codes that mean something to a script, decided by the catalogue code alone.

    0  ok
    1  not found: no such connection, marketplace or team
    2  bad input: a malformed id, a time that does not parse, an unknown option value
    3  refused by a rule: another team's connection, a marketplace that cannot be retried,
       the retry limit reached (escalated), a role or plan that does not allow it
    4  failed, not because of the input: Amazon unavailable or throttling, an internal
       error; trying again later may help

Click's own usage errors (a missing argument, `--days abc`) also exit 2, so "2" always
means "the command line is wrong"."""

from __future__ import annotations

from enum import IntEnum

from domain.errors import ErrorCode


class ExitCode(IntEnum):
    OK = 0
    NOT_FOUND = 1
    BAD_INPUT = 2
    REFUSED = 3
    FAILED = 4


_BY_CODE: dict[ErrorCode, ExitCode] = {
    ErrorCode.NOT_FOUND: ExitCode.NOT_FOUND,
    ErrorCode.VALIDATION_FAILED: ExitCode.BAD_INPUT,
    ErrorCode.AMAZON_UNAVAILABLE: ExitCode.FAILED,
    ErrorCode.RATE_LIMITED: ExitCode.FAILED,
    ErrorCode.APP_CREDENTIALS_REJECTED: ExitCode.FAILED,
    ErrorCode.INTERNAL_ERROR: ExitCode.FAILED,
}


def exit_code_for(code: ErrorCode) -> ExitCode:
    """Every other catalogue code is a business rule saying no."""
    return _BY_CODE.get(code, ExitCode.REFUSED)
