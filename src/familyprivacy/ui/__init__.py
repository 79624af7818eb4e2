"""The Qt Widgets interface: it adapts the core, never the reverse."""
