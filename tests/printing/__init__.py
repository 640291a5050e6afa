"""Tests of generator/printing: booklets and leaflets."""
