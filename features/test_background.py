"""The background worker feature (living documentation, see background.feature). Its steps
live in features/steps/background.py; the shared ones come from features/conftest.py."""

from pytest_bdd import scenarios

from features.steps.background import *  # noqa: F403

scenarios("background.feature")
