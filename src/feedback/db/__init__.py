"""Database engine and sessions, the declarative Base, shared column types and migrations."""
