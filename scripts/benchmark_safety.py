"""Print what the safety net adds to each message: encoder and classifier time, and memory.

    python scripts/benchmark_safety.py --model models/frontdoor.tar.gz [--repeat 200]

Loads the risk classifier from the trained model, then times the sentence encoder and the
classifier on short, typical and long messages (median and 95th percentile, milliseconds),
the whole judgement (lexicon, pieces, encoder, classifier), and the encoder's load time and
the process's memory. Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MESSAGES = {
    "short (2 words)": "yes please",
    "typical (14 words)": "I'd like to find a knitting group in Boston on a Tuesday afternoon please",
    "long (90 words)": (
        "Hello, I hope you can help. My husband had a stroke last spring and since then I "
        "have been looking after him at home. He can't be left for long and I do all his "
        "tablets and the driving. Our daughter lives in Leeds so we don't see her much. I "
        "used to sing in a choir in Louth before all this and I miss it terribly. Is there "
        "anything on in the daytime, near Louth, where I could bring him along, or a "
        "sitting service so I could go on my own for an hour?"
    ),
}


def timed(function, repeat: int) -> tuple[float, float]:  # noqa: ANN001
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "frontdoor.tar.gz")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    from frontdoor.embeddings import Encoder
    from frontdoor.safety.evaluation import risk_model_in
    from frontdoor.safety.judge import judge
    from frontdoor.safety.model import pieces

    start = time.perf_counter()
    encoder = Encoder(cache_size=0)
    print(f"encoder load: {(time.perf_counter() - start) * 1000:.0f} ms")
    model = risk_model_in(args.model)
    print(
        f"risk classifier: {len(model.support_vectors)} support vectors, threshold "
        f"{model.threshold:.3f}, lexicon floor {model.lexicon_floor:.3f}"
    )
    print(f"{'message':<22}{'pieces':>7}{'encode':>16}{'classify':>16}{'judge, uncached':>20}")
    for name, text in MESSAGES.items():
        parts = pieces(text)
        vectors = encoder.encode(parts)
        enc = timed(lambda parts=parts: encoder.encode(parts), args.repeat)
        cls = timed(lambda p=parts, v=vectors: model.probabilities(p, v), args.repeat)
        import frontdoor.safety.model as model_module

        original = model_module.encoder
        model_module.encoder = lambda: encoder
        whole = timed(lambda text=text: judge(text, model), args.repeat)
        model_module.encoder = original
        print(
            f"{name:<22}{len(parts):>7}{enc[0]:>8.1f}/{enc[1]:>5.1f} ms{cls[0]:>8.2f}/{cls[1]:>5.2f} ms"
            f"{whole[0]:>11.1f}/{whole[1]:>5.1f} ms"
        )
    print("(median/95th percentile; one thread)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
