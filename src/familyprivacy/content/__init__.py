"""Notices as structured content: loading, checking, localising and rendering. Qt-free."""
