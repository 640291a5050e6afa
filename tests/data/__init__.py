"""Tests of generator/data: loading, checks, the model, eligibility, quantities, diff."""
