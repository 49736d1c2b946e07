"""Named asyncio locks that exist only while someone holds or awaits them."""
from __future__ import annotations

import asyncio
import weakref
from collections.abc import Hashable


class KeyedLocks:
    def __init__(self) -> None:
        # Weak values: a lock nobody holds or awaits is dropped, so keys don't pile up.
        self._locks: weakref.WeakValueDictionary[Hashable, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def __call__(self, key: Hashable) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock
