"""Survivor feedback and consultation platform."""
