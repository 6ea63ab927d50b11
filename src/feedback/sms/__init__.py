"""SMS: the provider interface and its adapters, surveys by text, and neutral invitations."""
