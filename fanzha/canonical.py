"""The canonical form of case and data files, read off the model: every mapping's keys in the order of the
model's fields (a Text: zh, en, en_from); the entries of a vocabulary file keep the order they have.

Pure Python over plain dicts and lists, so the checker can afford it on every file: `fanzha validate`
reports keys out of order (FZ303), and `fanzha fmt` (fanzha/fmt.py) puts them in order.
"""

from __future__ import annotations

import typing
from functools import cache
from typing import Any, Iterator, Union

from pydantic import BaseModel, RootModel

from .loader import Document, _unwrap, where

# A shape says what a value in a file is: a model (a mapping with the model's keys), a list or an id -> value
# mapping of shapes, or None for anything that holds no model (text, numbers, ids).
Shape = Union[type[BaseModel], tuple[str, "Shape"], None]


def shape_of(annotation: Any) -> Shape:
    """The shape of a field's annotation (Optional and Annotated unwrapped)."""
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, RootModel):
        return shape_of(annotation.model_fields["root"].annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list:
        inner = shape_of(args[0])
        return ("list", inner) if inner is not None else None
    if origin is dict:
        inner = shape_of(args[1])
        return ("dict", inner) if inner is not None else None
    return None


@cache
def fields(model: type[BaseModel]) -> tuple[dict[str, int], tuple[tuple[str, Shape], ...]]:
    """A model's canonical key order (key -> rank) and the fields that hold further models."""
    order = {name: rank for rank, name in enumerate(model.model_fields)}
    children = tuple(
        (name, shape) for name, info in model.model_fields.items() if (shape := shape_of(info.annotation)) is not None
    )
    return order, children


def mappings(value: Any, shape: Shape, path: tuple = ()) -> Iterator[tuple[tuple, type[BaseModel], dict]]:
    """(path, model, mapping) for every mapping in a raw document that stands for a model, outermost first.

    Works on plain data and on ruamel's round-trip containers alike; values of the wrong kind are skipped."""
    if shape is None:
        return
    if isinstance(shape, tuple):
        kind, inner = shape
        if kind == "list" and isinstance(value, list):
            for i, item in enumerate(value):
                yield from mappings(item, inner, path + (i,))
        elif kind == "dict" and isinstance(value, dict):
            for key, item in value.items():
                yield from mappings(item, inner, path + (key,))
        return
    if not isinstance(value, dict):
        return
    yield path, shape, value
    for name, child in fields(shape)[1]:
        sub = value.get(name)
        if sub is not None:
            yield from mappings(sub, child, path + (name,))


def canonical_keys(model: type[BaseModel], keys: list) -> list:
    """Keys in the model's field order; keys the model does not know keep their order, after the others."""
    order = fields(model)[0]
    return sorted((key for key in keys if key in order), key=order.__getitem__) + [key for key in keys if key not in order]


_IN_ORDER: set[tuple] = set()  # (model, keys) already found in canonical order: most mappings repeat a few shapes


def first_out_of_order(model: type[BaseModel], mapping: dict) -> str | None:
    """The first key of `mapping` that comes before a key it should follow, or None when the order is canonical."""
    keys = tuple(mapping)
    if (model, keys) in _IN_ORDER:
        return None
    order = fields(model)[0]
    last = -1
    for key in keys:
        rank = order.get(key)
        if rank is None:
            continue
        if rank < last:
            return key
        last = rank
    _IN_ORDER.add((model, keys))
    return None


def check_key_order(doc: Document, shape: Shape) -> None:
    """FZ303 for every mapping whose keys are not in the model's order (one problem per mapping)."""
    for path, model, mapping in mappings(doc.data, shape):
        key = first_out_of_order(model, mapping)
        if key is not None:
            expected = canonical_keys(model, list(mapping))
            doc.report(
                path + (key,), "FZ303",
                f"`{key}` is out of order in {where(path)}; the order is {', '.join(expected)}: run `fanzha fmt {doc.display}`",
                key=True,
            )
