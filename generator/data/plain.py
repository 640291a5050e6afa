"""Model values → plain JSON-ready data: what open data exports and what `handbook diff` compares."""
from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

from .eligibility import eligibility_yaml
from .model import Eligibility, Text


def plain(value: Any) -> Any:
    """Model value → JSON-ready data (Text → {lang: text}, eligibility as in YAML, tuples → lists, None fields dropped)."""
    if isinstance(value, Text):
        return dict(value.values)
    if isinstance(value, Eligibility):
        return eligibility_yaml(value)
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value) if getattr(value, f.name) is not None}
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if hasattr(value, "items"):
        return {k: plain(v) for k, v in value.items()}
    return value
