"""Staff accounts: roles and scopes, passwords, two-factor, sessions, API tokens and audit."""
