"""The community directory: places, import from Open Referral UK, and search."""
