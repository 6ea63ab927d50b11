"""Anonymous entry: single-use links and shared join codes; issue, hash, redeem, burn."""
