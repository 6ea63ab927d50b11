"""Survey definitions as files: validation, the core data set, immutable versions and diffs."""
