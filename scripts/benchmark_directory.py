"""Benchmark the directory: import 10,000 services, then time typical resident searches.

    .venv/bin/python scripts/benchmark_directory.py [--count 10000] [--rounds 20]

Prints the import time and the search latency (median and 95th percentile), in process,
on a fresh SQLite file (or DATABASE_URL_BENCHMARK, for PostgreSQL).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_sample_directory import generate  # noqa: E402

from frontdoor.directory.importer import import_services  # noqa: E402
from frontdoor.directory.search import SearchRequest, search_services  # noqa: E402
from frontdoor.store.db import init_db, session_scope  # noqa: E402

TYPICAL = [
    SearchRequest(need="walking", town="Boston"),
    SearchRequest(need="a choir", town="Louth", day="tuesday"),
    SearchRequest(need="I feel lonely", town="LN2"),
    SearchRequest(need="money advice", town="Holbeach"),
    SearchRequest(need="something for carers", town="Grantham", free_only=True),
    SearchRequest(need="gardening", town="Sleaford", closer=True),
    SearchRequest(need="memory cafe", town="Spalding", time_of_day="afternoon"),
    SearchRequest(need="meet people", interests=["crafts"], barriers=["cost"], town="Stamford"),
    SearchRequest(need="men's shed", town="Market Rasen"),
    SearchRequest(need="youth club", town="Skegness", age=14),
    SearchRequest(need="skydiving", town="Lincoln"),  # finds nothing: recorded as a gap
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL_BENCHMARK") or f"sqlite:///{tmp}/bench.db"
        init_db(url)
        started = time.perf_counter()
        records = generate(args.count)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        with session_scope(url) as session:
            report = import_services(session, records)
        imported = time.perf_counter() - started
        print(f"generated {len(records)} services in {generated:.1f} s")
        print(f"import: {imported:.1f} s ({report.summary()})")

        started = time.perf_counter()
        with session_scope(url) as session:
            search_services(session, TYPICAL[0])
        print(
            f"first search, building the in-memory index: {1000 * (time.perf_counter() - started):.0f} ms"
        )

        timings = []
        for _ in range(args.rounds):
            for request in TYPICAL:
                started = time.perf_counter()
                with session_scope(url) as session:
                    search_services(session, request)
                timings.append(1000 * (time.perf_counter() - started))
        print(
            f"search latency over {len(timings)} searches: "
            f"median {statistics.median(timings):.1f} ms, "
            f"95th percentile {percentile(timings, 0.95):.1f} ms, "
            f"max {max(timings):.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
