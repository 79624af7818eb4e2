"""Family Privacy: a council's privacy notice in plain words and the family's own language."""

__version__ = "0.1.0"
