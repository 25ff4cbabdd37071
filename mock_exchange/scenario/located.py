"""YAML loading that remembers the line of every mapping key and list item.

Scenario errors must name ``file:line`` before anything runs, so the loader builds
:class:`LocatedDict` / :class:`LocatedList` (plain ``dict`` / ``list`` subclasses carrying
line numbers) instead of bare containers. Floats become ``Decimal`` from their source text:
money never passes through a binary float.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from mock_exchange import nesting


class LocatedDict(dict):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines = {}


class LocatedList(list):
    """A sequence that knows its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.item_lines = []


class YamlSyntaxError(ValueError):
    """The file is not valid YAML (or repeats a key); carries the 1-based line."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def line_of(container: Any, key: Any = None, default: int = 0) -> int:
    """The line of ``container[key]`` (or of the container itself), else ``default``."""
    if key is not None:
        if isinstance(container, LocatedDict) and key in container.key_lines:
            return container.key_lines[key]
        if isinstance(container, LocatedList) and isinstance(key, int) and 0 <= key < len(container.item_lines):
            return container.item_lines[key]
    line = getattr(container, "line", 0)
    return line or default


class _Loader(yaml.SafeLoader):
    """SafeLoader building located containers and Decimal floats."""

    def construct_located_mapping(self, node: MappingNode) -> LocatedDict:
        self.flatten_mapping(node)  # resolves "<<" merge keys
        result = LocatedDict()
        result.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise YamlSyntaxError(key_node.start_mark.line + 1, "a mapping key must be a plain value") from None
            if key in result:
                first = result.key_lines[key]
                raise YamlSyntaxError(key_node.start_mark.line + 1, f"duplicate key {key!r} (first at line {first})")
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_located_sequence(self, node: SequenceNode) -> LocatedList:
        result = LocatedList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result

    def construct_decimal(self, node: ScalarNode) -> Decimal:
        text = str(self.construct_scalar(node)).replace("_", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite():
            raise YamlSyntaxError(node.start_mark.line + 1, f"{text!r} is not a finite number")
        return value


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_located_mapping)
_Loader.add_constructor("tag:yaml.org,2002:omap", _Loader.construct_located_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_located_sequence)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_decimal)


def load_located(text: str) -> Any:
    """Parse one YAML document into located containers; YamlSyntaxError on bad YAML."""
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        reason = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        raise YamlSyntaxError(line, f"invalid YAML: {reason}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlSyntaxError(1, f"invalid YAML: {nesting.TooDeep()}") from None
