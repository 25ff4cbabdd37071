"""The HTTP layer: parse, authenticate, call the core, serialise."""
