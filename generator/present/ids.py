"""Stable ids for what the handbook publishes: the same in every build and every language (HSDS rows, feed entries)."""
from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("84b6a82d-882a-49db-b6d3-d42219495c52")  # fixed once: never change it, or every id changes


def uid(*parts: object) -> str:
    """Our ids → a stable UUID, e.g. uid('service', 'legal-aid')."""
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))
