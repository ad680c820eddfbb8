"""bot/memory.py and its hook on Rasa's model loading (bot/rasa_overrides.py): memory the
server freed is handed back to the system once the model has loaded, and then every so often."""

from __future__ import annotations

import asyncio

import rasa.core.run as rasa_run

from bot import memory
from bot.rasa_overrides import release_memory_after_loading

MB = 1024 * 1024


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def test_freed_memory_is_handed_back() -> None:
    blocks = [bytearray(4096) for _ in range(40_000)]  # about 160 MB from malloc's heap
    last = blocks[-1]  # still in use, at the top of the heap: free() alone cannot give back
    del blocks
    held = resident_mb()
    assert memory.release() is True  # this machine's C library is glibc
    assert held - resident_mb() > 80, "the freed blocks stayed with the process"
    assert len(last) == 4096


def test_the_memory_is_released_once_the_model_has_loaded_then_every_so_often(
    monkeypatch,
) -> None:
    released: list[str] = []
    monkeypatch.setattr(memory, "release_all", lambda: released.append("all") or True)
    monkeypatch.setattr(memory, "release", lambda: released.append("again") or True)

    async def rasas_loading(*args: object) -> str:
        assert released == [], "released before the model had loaded"
        return f"agent for {args[0]}"

    monkeypatch.setattr(rasa_run, "load_agent_on_start", rasas_loading)
    release_memory_after_loading(0.05)

    async def start() -> str:
        agent = await rasa_run.load_agent_on_start("models/frontdoor.tar.gz", None, None)
        await asyncio.sleep(0.3)
        return str(agent)

    assert asyncio.run(start()) == "agent for models/frontdoor.tar.gz"
    assert released[0] == "all" and released.count("again") >= 2
