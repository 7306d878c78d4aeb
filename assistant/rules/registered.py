"""Importing this module registers every check (each rule module adds itself to the registry).

Both the catalogue (which checks every registered id has words) and the runner
import it, so neither needs the other at import time.
"""

from __future__ import annotations

from . import aim_rules, cross_rules, file_rules, learner_rules, record_rules  # noqa: F401  - registration
from .base import REGISTRY

__all__ = ["REGISTRY"]
