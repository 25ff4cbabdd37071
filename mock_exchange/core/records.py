"""Slotted records whose seldom-set fields take no room until they are set.

A slot costs 8 bytes in every instance; a large book holds hundreds of thousands of
orders, most of which never use their iceberg, trailing-stop, quote-quantity or borrowing
fields. :func:`seldom_set` turns a (non-slotted) dataclass into a slotted one where the
named fields share one slot: ``None`` while all of them hold their defaults, else a dict of
the ones set. Each is read and written like any field (a property), so a record that sets
none pays 8 bytes for all of them (benchmarks/README.md, Findings, "Memory"). A field set on
many instances belongs in a slot of its own: the dict costs about as much as twenty slots.
(A ``__dict__`` slot would do the same on paper, but CPython 3.11+ gives such classes a
managed dict whose values array is allocated with every instance.)

The record stays a dataclass with the same fields, constructor and defaults: snapshots
(``core.snapshot``) and copies (:func:`clone`, below) read and write it field by field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar, cast

T = TypeVar("T")
_CLONERS: dict[type, Callable[[Any], Any]] = {}

# The slot holding a record's seldom-set values, and the class attribute naming the fields
# with their defaults.
SELDOM_SLOT = "_seldom_values"
SELDOM_SET_DEFAULTS = "__seldom_set_defaults__"


def seldom_set(*names: str) -> Callable[[type[T]], type[T]]:
    """Class decorator over ``@dataclass`` (without ``slots``): ``names`` share one lazy slot."""

    def build(cls: type[T]) -> type[T]:
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        by_name = {f.name: f for f in fields}
        for name in names:
            found = by_name.get(name)
            if found is None or found.default is dataclasses.MISSING or not found.init:
                raise TypeError(f"{cls.__name__}.{name}: a seldom-set field needs a plain default")
        if any(not f.init for f in fields) or "__post_init__" in cls.__dict__ or "__slots__" in cls.__dict__:
            raise TypeError(f"{cls.__name__}: seldom_set takes a plain dataclass")
        slots = tuple(f.name for f in fields if f.name not in names)
        namespace = {key: value for key, value in cls.__dict__.items()
                     if key not in ("__dict__", "__weakref__") and key not in slots}
        namespace["__slots__"] = (*slots, SELDOM_SLOT)
        defaults = tuple((name, by_name[name].default) for name in names)
        namespace[SELDOM_SET_DEFAULTS] = defaults
        for name, default in defaults:
            namespace[name] = _seldom_property(name, default)
        namespace["__init__"] = _make_init(cls.__qualname__, fields, dict(defaults))
        lean = cast("type[T]", type(cls.__name__, cls.__bases__, namespace))
        lean.__qualname__ = cls.__qualname__
        return lean

    return build


def is_default(value: Any, default: Any) -> bool:
    """``value`` is the default, or reads exactly like it (a restored ``Decimal("0")``: no dict for it).

    The same type, equal and with the same repr, so ``Decimal("0.00")`` is kept as given.
    """
    return value is default or (type(value) is type(default) and value == default and repr(value) == repr(default))


def _seldom_property(name: str, default: Any) -> property:
    def read(self: Any) -> Any:
        values = self._seldom_values
        return default if values is None else values.get(name, default)

    def write(self: Any, value: Any) -> None:
        values = self._seldom_values
        if values is None:
            if is_default(value, default):
                return
            values = self._seldom_values = {}
        values[name] = value

    return property(read, write, doc=f"{name} (seldom set: stored once it differs from {default!r})")


def _make_init(qualname: str, fields: tuple[dataclasses.Field[Any], ...],
               seldom: dict[str, Any]) -> Callable[..., None]:
    """The dataclass constructor, except that a seldom-set field left at its default is not stored."""
    params, lines = ["self"], [f"    self.{SELDOM_SLOT} = None"]
    namespace: dict[str, Any] = {"_is_default": is_default}
    for f in fields:
        assert f.name.isidentifier()
        if f.default is not dataclasses.MISSING:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"_factory_{f.name}"] = f.default_factory
            namespace["_MISSING"] = dataclasses.MISSING
            params.append(f"{f.name}=_MISSING")
            lines.append(f"    if {f.name} is _MISSING: {f.name} = _factory_{f.name}()")
        else:
            params.append(f.name)
        if f.name in seldom:
            lines.append(f"    if {f.name} is not _default_{f.name} and not _is_default({f.name}, _default_{f.name}):")
            lines.append(f"        self.{f.name} = {f.name}")
        else:
            lines.append(f"    self.{f.name} = {f.name}")
    source = f"def __init__({', '.join(params)}):\n" + "\n".join(lines or ["    pass"])
    exec(source, namespace)  # noqa: S102 - source built from the class's own field names
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{qualname}.__init__"
    return init


def seldom_set_defaults(cls: type) -> tuple[tuple[str, Any], ...]:
    """The (name, default) pairs of ``cls``'s seldom-set fields; empty for other classes."""
    found: tuple[tuple[str, Any], ...] = getattr(cls, SELDOM_SET_DEFAULTS, ())
    return found


def seldom_values(record: object) -> dict[str, Any] | None:
    """The seldom-set values a record holds (None while all are at their defaults)."""
    values: dict[str, Any] | None = getattr(record, SELDOM_SLOT)
    return values


def set_seldom_values(record: object, values: dict[str, Any] | None) -> None:
    setattr(record, SELDOM_SLOT, values)


# -- copies -------------------------------------------------------------------------------


def clone(item: T) -> T:
    """A shallow copy of a (slotted) dataclass record; ~10x faster than ``copy.copy``."""
    cloner = _CLONERS.get(type(item))
    if cloner is None:
        cloner = _CLONERS[type(item)] = _make_cloner(type(item))
    return cloner(item)  # type: ignore[no-any-return]


def _make_cloner(cls: type) -> Callable[[Any], Any]:
    """A function copying ``cls``'s dataclass fields one by one, written out (no loop, no getattr).

    A record's seldom-set values are copied as one dict of their own, or none.
    """
    seldom = dict(seldom_set_defaults(cls))
    names = [f.name for f in dataclasses.fields(cls) if f.name not in seldom]
    frozen = cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    lines = ["def clone(item):", "    new = new_object(cls)"]
    namespace: dict[str, Any] = {"new_object": object.__new__, "cls": cls, "set_field": object.__setattr__}
    for name in names:
        assert name.isidentifier()
        lines.append(f"    set_field(new, {name!r}, item.{name})" if frozen else f"    new.{name} = item.{name}")
    if seldom:
        lines.append(f"    values = item.{SELDOM_SLOT}")
        lines.append(f"    new.{SELDOM_SLOT} = None if values is None else dict(values)")
    lines.append("    return new")
    exec("\n".join(lines), namespace)  # noqa: S102 - source built from the class's own field names
    return namespace["clone"]  # type: ignore[no-any-return]
