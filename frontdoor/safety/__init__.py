"""The safety net's core: the lexicon, the risk classifier over sentence embeddings, and the
verdict that combines them. Rasa's component (bot/components/safety_net.py) wraps it."""

from frontdoor.safety.judge import Judgement, judge
from frontdoor.safety.lexicon import Assessment, assess, normalise

__all__ = ["Assessment", "Judgement", "assess", "judge", "normalise"]
