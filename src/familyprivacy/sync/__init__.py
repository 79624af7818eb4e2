"""The laptop's side of sync: draining the outbox to the council's consent inbox. Qt-free."""
