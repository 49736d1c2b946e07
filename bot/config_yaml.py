"""YAML the lender writes (policy.yml, outreach.yml), read keeping what was written: a key
written twice is refused (YAML would silently keep the last), and a bare decimal stays its
text (`FloatText`), so that money is never read as a float."""
from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import yaml

from bot.arrangements.policy_values import FloatText


class _DuplicateKey(ValueError):
    pass


class _Loader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        duplicate = next((key for key in keys if keys.count(key) > 1), None)
        if duplicate is not None:
            raise _DuplicateKey(f"duplicate key {duplicate!r} (line {node.start_mark.line + 1})")
        return super().construct_mapping(node, deep=deep)


def _float_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> FloatText:
    return FloatText(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:float", _float_text)


def read_config(text: str, source: str, error: type[ValueError]) -> Any:
    """The document; `error` (the file's own, naming `source`) for a duplicate key or bad YAML."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as duplicate:
        raise error(f"{source}: {duplicate}") from None
    except yaml.YAMLError as invalid:
        raise error(f"{source}: not valid YAML: {invalid}") from None
