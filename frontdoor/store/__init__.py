"""The shared store: referrals, consent, risk and the community directory."""
