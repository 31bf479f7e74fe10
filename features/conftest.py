"""The features' step registry and the scenario count printed at the end of a run.

Every step module is registered here and only here (a `test_<area>.py` file only names its
feature), so any feature can use any step: the step modules are organised by workflow
area, not by which feature happens to use them."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from pytest_bdd.parser import Feature, Scenario

from features.steps.amazon_access import *  # noqa: F403
from features.steps.background import *  # noqa: F403
from features.steps.common import *  # noqa: F403
from features.steps.connect import *  # noqa: F403
from features.steps.listing_settings import *  # noqa: F403
from features.steps.listing_updates import *  # noqa: F403
from features.steps.marketplaces import *  # noqa: F403
from features.steps.profiles import *  # noqa: F403
from features.steps.records import *  # noqa: F403
from features.steps.support import *  # noqa: F403
from features.steps.support_cli import *  # noqa: F403
from features.steps.tokens import *  # noqa: F403
from features.steps.truth import *  # noqa: F403
from features.steps.webhooks import *  # noqa: F403

# A scenario's feature file travels on its test report (user_properties), because with
# pytest-xdist the scenarios run in worker processes and only their reports reach the
# process that prints the summary.
FEATURE_PROPERTY = "feature_file"


def pytest_bdd_before_scenario(
    request: pytest.FixtureRequest, feature: Feature, scenario: Scenario
) -> None:
    request.node.user_properties.append((FEATURE_PROPERTY, Path(feature.filename).name))


def _feature_file(report: pytest.TestReport) -> str | None:
    return next((value for key, value in report.user_properties if key == FEATURE_PROPERTY), None)


def _passed_scenarios(stats: Mapping[str, list[pytest.TestReport]]) -> list[str]:
    return [
        name
        for r in stats.get("passed", [])
        if r.when == "call" and (name := _feature_file(r)) is not None
    ]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    files = _passed_scenarios(terminalreporter.stats)
    failed = {
        r.nodeid
        for r in terminalreporter.stats.get("failed", [])
        if isinstance(r, pytest.TestReport) and _feature_file(r) is not None
    }
    if not files and not failed:
        return
    line = f"features: {len(files)} scenarios passed in {len(set(files))} feature files"
    if failed:
        line += f" ({len(failed)} failed)"
    terminalreporter.write_line(line)
