"""Reports from the aggregate counters: disclosure control, charts and exports."""
