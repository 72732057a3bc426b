"""Export the model as JSON Schema files for editors (yaml-language-server) and readers of the open data."""

from __future__ import annotations

import json
from pathlib import Path

from .model import VOCABULARIES, Case, keyed


def schemas() -> dict[str, dict]:
    """File name -> JSON Schema, one per kind of file."""
    out = {"case.schema.json": Case.model_json_schema()}
    for name, model in VOCABULARIES.items():
        schema = keyed(model).model_json_schema()
        schema["title"] = f"data/{name}.yml"
        schema["description"] = f"A mapping from id to {model.__name__}: {model.__doc__.strip().splitlines()[0]}"
        out[f"{name}.schema.json"] = schema
    for schema in out.values():
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return out


def render(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write(folder: Path, check: bool = False) -> list[str]:
    """Write the schema files; with check, only list those that are missing or out of date."""
    stale = []
    folder.mkdir(parents=True, exist_ok=True)
    for name, schema in schemas().items():
        path, text = folder / name, render(schema)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(str(path))
            if not check:
                path.write_text(text, encoding="utf-8")
    return stale
