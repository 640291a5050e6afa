"""Tests that build the whole handbook and check across stages: safety, golden files, validity, the browser."""
