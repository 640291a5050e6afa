"""Tests of generator/opendata: JSON, CSV and HSDS exports."""
