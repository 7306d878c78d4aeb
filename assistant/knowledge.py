"""Loading `knowledge/` — the data the assistant knows — with errors that say where.

Every YAML mapping is loaded with the line it starts on, so a checker can say
"knowledge/rules.yaml line 40, key CompStatus_03.sources: unknown source
'psm-24'" instead of a bare KeyError at run time.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import yaml

#: Where knowledge/ lives: beside the package in a checkout; overridable for tests.
KNOWLEDGE_DIR = Path(os.environ.get("ILR_ASSISTANT_KNOWLEDGE", Path(__file__).resolve().parent.parent / "knowledge"))

GRADES = ("official", "forum-confirmed", "vendor", "inference")


class KnowledgeError(Exception):
    """knowledge/ holds something the assistant cannot use; names file, line and key."""

    def __init__(self, file: str | Path, key: str, message: str, line: int | None = None):
        self.file = str(file)
        self.key = key
        self.line = line
        self.message = message
        where = f"{self.file}" + (f" line {line}" if line else "")
        super().__init__(f"{where}, key {key}: {message}")


class LineDict(dict):
    """A dict that remembers the line its mapping started on (1-based)."""

    line: int | None = None


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Keep dates and codes as the strings the author wrote: "2025-08-01" and "08"
# must not silently become a date and the integer 8.
_LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path) -> Any:
    """Load one YAML file; syntax errors become KnowledgeError with the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeError(path, "(file)", f"cannot be read: {exc.strerror or exc}") from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise KnowledgeError(path, "(syntax)", str(exc.problem or exc), mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise KnowledgeError(path, "(syntax)", str(exc)) from None


def line_of(value: Any) -> int | None:
    return getattr(value, "line", None)


def require(mapping: Any, key: str, file: Path, where: str, kind: type | tuple[type, ...] = str) -> Any:
    """Fetch a required key of the right type or raise a KnowledgeError naming it."""
    if not isinstance(mapping, dict):
        raise KnowledgeError(file, where, "should be a mapping", line_of(mapping))
    if key not in mapping or mapping[key] in (None, ""):
        raise KnowledgeError(file, f"{where}.{key}", "is missing", line_of(mapping))
    value = mapping[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise KnowledgeError(file, f"{where}.{key}", f"should be {names}, not {type(value).__name__}", line_of(mapping))
    return value


@functools.cache
def knowledge_file(name: str) -> Any:
    """A file of knowledge/, loaded once per process."""
    return load_yaml(KNOWLEDGE_DIR / name)
