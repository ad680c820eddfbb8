"""Print what the NLU pipeline costs a message, whole and step by step (DIET, the sentence
embedding, the safety net), on messages of the held-out NLU set, one at a time.

    python scripts/benchmark_nlu.py --model models/frontdoor.tar.gz [--rounds 3]

For comparing pipeline settings: train a model with each, run this on both. Figures only:
nothing here passes or fails (the held-out scores come from scripts/nlu_eval.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["RASA_TELEMETRY_ENABLED"] = "false"

from benchmark_profiled import durations, install_timers  # noqa: E402
from nlu_eval import TEST_SET as MESSAGES  # noqa: E402
from nlu_eval import examples  # noqa: E402

NLU_STEPS = ("NLU, whole pipeline", "NLU: DIET", "NLU: embedding", "NLU: safety net")


def messages() -> list[str]:
    """The held-out set's sentences (timed only: never trained on)."""
    return [text for _, text in examples(MESSAGES)]


def milliseconds(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"median {statistics.median(ordered) * 1000:6.2f}  p95 {p95 * 1000:6.2f}"


async def run(model: str, rounds: int) -> None:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    texts = messages()
    for text in texts[:20]:  # warm up
        await agent.parse_message(text)
    durations.clear()
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            await agent.parse_message(text)
    took = time.perf_counter() - started
    print(
        f"{model}: {rounds * len(texts)} messages, {took / (rounds * len(texts)) * 1000:.2f} ms each"
    )
    for step in NLU_STEPS:
        if durations.get(step):
            print(f"  {step:22} {milliseconds(durations[step])} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "frontdoor.tar.gz"))
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    install_timers(bare=False)
    asyncio.run(run(arguments.model, arguments.rounds))


if __name__ == "__main__":
    main()
