"""Tests of generator/web: pages, metadata, search, the finder, change history, hand-written content."""
