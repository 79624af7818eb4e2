"""The encrypted, tamper-evident offline store of a family's decisions. Qt-free."""
