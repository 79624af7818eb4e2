"""The council's consent inbox service. Qt-free."""
