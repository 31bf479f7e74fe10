"""How the rule-based state machines run (hypothesis `RuleBasedStateMachine`): walks of 30
steps, no deadline (a step through the use cases is slower than hypothesis expects) and no
example database (every run starts fresh, in CI as on a laptop)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def machine_settings(max_examples: int, *also_suppressed: HealthCheck) -> settings:
    return settings(
        max_examples=max_examples,
        stateful_step_count=30,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, *also_suppressed],
    )
