"""Live workflows kept between operations, so a hot instance is not rebuilt from JSON every time.

An entry is keyed by the instance id and the row's lock version. An operation takes the entry out
(so no other thread can use it meanwhile) and puts the workflow back only after its transaction
commits, under the new version. Another process that changed the instance changed the version
too, so a stale entry is never used; a rolled-back operation puts nothing back.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any


class WorkflowCache:
    def __init__(self, capacity: int = 2000) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[int, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    def take(self, instance_id: int, version: int) -> Any | None:
        with self._lock:
            entry = self._entries.pop(instance_id, None)
        if entry is None or entry[0] != version:
            return None
        self.hits += 1
        return entry[1]

    def put(self, instance_id: int, version: int, workflow: Any) -> None:
        if self.capacity <= 0:
            return
        with self._lock:
            self._entries[instance_id] = (version, workflow)
            self._entries.move_to_end(instance_id)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
