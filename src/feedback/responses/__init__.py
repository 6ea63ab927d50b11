"""Intake: validate answers against a survey version, seal them, count closed answers,
burn the link, issue a receipt; later, withdrawal."""
