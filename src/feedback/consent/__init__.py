"""Consent notices as files: one per slug, audience and language, versioned and immutable."""
