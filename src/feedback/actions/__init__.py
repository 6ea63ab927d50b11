"""You said, we did: records linking feedback to service changes, approval, history, feeds."""
