"""Tests of generator/present: what every renderer shows the same way (URLs, ids)."""
