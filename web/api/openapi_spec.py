"""The OpenAPI 3.1 document, built from small pieces so each schema is written once."""
from __future__ import annotations

from typing import Any


def document() -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "Samspil API", "version": "1"}, "paths": {}}
