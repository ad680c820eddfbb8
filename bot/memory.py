"""Memory the Rasa server has freed, handed back to the system.

Loading the model (TensorFlow, the ONNX sentence encoder) and the first turns allocate and
free large temporary buffers. glibc's allocator keeps freed memory for reuse, so the server
held about 160 MB it was not using (1490 MB before a release, 1325 MB after; docs/benchmark.md).
`malloc_trim` hands it back: once the model has loaded (after a full garbage collection, before
any resident is served) and then every MEMORY_RELEASE_SECONDS, off the event loop (a few
milliseconds a call). Where the C library is not glibc (Alpine's musl), nothing is done.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
from functools import cache

logger = logging.getLogger(__name__)


@cache
def _trim() -> ctypes._NamedFuncPointer | None:
    """glibc's malloc_trim, if this process has it."""
    name = ctypes.util.find_library("c")
    try:
        library = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    trim = getattr(library, "malloc_trim", None)
    if trim is None:
        logger.info("memory: the C library has no malloc_trim; freed memory stays with Python")
    return trim


def release() -> bool:
    """Hand freed memory back to the system; whether the C library could."""
    trim = _trim()
    if trim is None:
        return False
    trim(0)
    return True


def release_all() -> bool:
    """Collect every unreachable object first (a pause: only before serving)."""
    gc.collect()
    return release()


async def keep_releasing(every_seconds: float) -> None:
    """Release freed memory every so often, in a worker thread, until cancelled."""
    while True:
        await asyncio.sleep(every_seconds)
        await asyncio.to_thread(release)
