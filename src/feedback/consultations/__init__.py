"""Consultation rounds, schools and class sessions: who takes part, when, and the pupil entry."""
