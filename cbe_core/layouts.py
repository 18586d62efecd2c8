"""Platform export layouts: recognised from their headers and read as the platform means them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Layout:
    name: str
    table: str
    signature: tuple[str, ...]
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    provides: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    ignored_norm: frozenset[str] = frozenset()
    pre: Callable | None = None
    post: Callable | None = None
    note: str | None = None


LAYOUTS: tuple[Layout, ...] = ()


def known_headers(table: str) -> set[str]:
    return set()


def detect(table: str, headers: list[str]) -> Layout | None:
    return None
