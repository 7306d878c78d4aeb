"""Loading `knowledge/` — the data the assistant knows — with errors that say where.

Every YAML mapping is loaded with the line it starts on, so a checker can say
"knowledge/rules.yaml line 40, key CompStatus_03.sources: unknown source
'psm-24'" instead of a bare KeyError at run time.

The files live at the top of the repository (where people edit them) and are
shipped inside the wheel as the package ``assistant.knowledge`` (pyproject's
``package-dir``), so a ``pip install .`` finds them with ``importlib.resources``.
What is read from them is held by one :class:`Knowledge` object: the shipped
one for the running assistant (:func:`shipped`), or one built on a copy by
path for ``lint`` and the tests, without touching any global.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
from pathlib import Path
from typing import Any, Callable, TypeVar

import yaml

T = TypeVar("T")

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


class LineDict(dict[Any, Any]):
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


class Knowledge:
    """One knowledge directory and everything built from it, each built once, on first use.

    The builders (the rule catalogue, the decision tree, the glossary) live with
    the code that understands them and are memoised here by name, so a copy of
    the knowledge loaded for ``lint`` or a test never mixes with the shipped one.
    """

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self._built: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"Knowledge({str(self.root)!r})"

    def path(self, name: str) -> Path:
        return self.root / name

    def file(self, name: str) -> Any:
        """A YAML file of this directory, loaded once."""
        return self.memo(f"file:{name}", lambda kb: load_yaml(kb.path(name)))

    def memo(self, key: str, build: Callable[["Knowledge"], T]) -> T:
        """``build(self)`` the first time ``key`` is asked for; the same object after that."""
        if key not in self._built:
            self._built[key] = build(self)
        built: T = self._built[key]
        return built


def shipped_dir() -> Path:
    """Where the shipped knowledge is: ``ILR_ASSISTANT_KNOWLEDGE`` if set, else the package data."""
    override = os.environ.get("ILR_ASSISTANT_KNOWLEDGE")
    if override:
        return Path(override)
    try:
        return Path(str(importlib.resources.files("assistant.knowledge")))
    except ModuleNotFoundError:  # run from a checkout that was never installed
        return Path(__file__).resolve().parent.parent / "knowledge"


@functools.cache
def shipped() -> Knowledge:
    """The knowledge the assistant runs on (one per process)."""
    return Knowledge(shipped_dir())


def knowledge_or_shipped(kb: Knowledge | None) -> Knowledge:
    return kb if kb is not None else shipped()
