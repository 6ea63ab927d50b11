"""Key material: the master key, and (later) sealing and opening keys per period."""
