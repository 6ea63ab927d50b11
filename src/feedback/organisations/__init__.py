"""Boroughs of the partnership and the services that belong to them."""
