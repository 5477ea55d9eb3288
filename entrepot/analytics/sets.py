"""The compact forms of the Activity rollup: who bought, and how much each seller sold.

- Buyers: a Roaring bitmap of buyer ids (pyroaring, the CRoaring library). A day of
  10,000 buyers is ~20 KB; a union of a year's months is a few milliseconds.
- Sellers: per seller id, paid orders and GMV (1/10,000 CNY), packed as three little-
  endian arrays (ids int32 sorted, orders int64, gmv int64) behind a count. Summing a
  range's rows into dense arrays indexed by seller id gives the exact top sellers and
  the active-seller count in one pass of numpy additions.
"""

from __future__ import annotations

import struct

import numpy as np
from pyroaring import BitMap

_COUNT = struct.Struct("<I")


def buyers_load(blob: bytes | memoryview | None) -> BitMap:
    return BitMap.deserialize(bytes(blob)) if blob else BitMap()


def buyers_dump(buyers: BitMap) -> bytes:
    buyers.run_optimize()
    return buyers.serialize()


def buyers_union(blobs) -> BitMap:
    """The union of serialized bitmaps."""
    maps = [BitMap.deserialize(bytes(b)) for b in blobs if b]
    return BitMap.union(*maps) if maps else BitMap()


def sellers_load(blob: bytes | memoryview | None) -> dict[int, list[int]]:
    """seller id -> [orders, gmv]."""
    ids, orders, gmv = sellers_arrays(blob)
    return {int(i): [int(o), int(g)] for i, o, g in zip(ids, orders, gmv, strict=True)}


def sellers_dump(sellers: dict[int, list[int]]) -> bytes:
    ids = np.array(sorted(sellers), dtype="<i4")
    orders = np.array([sellers[i][0] for i in ids.tolist()], dtype="<i8")
    gmv = np.array([sellers[i][1] for i in ids.tolist()], dtype="<i8")
    return _COUNT.pack(len(ids)) + ids.tobytes() + orders.tobytes() + gmv.tobytes()


def sellers_arrays(blob: bytes | memoryview | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not blob:
        empty = np.zeros(0, dtype="<i8")
        return np.zeros(0, dtype="<i4"), empty, empty
    data = bytes(blob)
    (n,) = _COUNT.unpack_from(data)
    at = _COUNT.size
    ids = np.frombuffer(data, dtype="<i4", count=n, offset=at)
    orders = np.frombuffer(data, dtype="<i8", count=n, offset=at + 4 * n)
    gmv = np.frombuffer(data, dtype="<i8", count=n, offset=at + 12 * n)
    return ids, orders, gmv


def sellers_sum(blobs) -> tuple[np.ndarray, np.ndarray]:
    """Orders and GMV per seller id (dense arrays indexed by id) over serialized rows."""
    parts = [sellers_arrays(b) for b in blobs if b]
    size = max((int(ids[-1]) + 1 for ids, _o, _g in parts if len(ids)), default=0)
    orders = np.zeros(size, dtype=np.int64)
    gmv = np.zeros(size, dtype=np.int64)
    for ids, o, g in parts:
        # ids are unique within a row, so fancy-index addition counts each once
        orders[ids] += o
        gmv[ids] += g
    return orders, gmv
