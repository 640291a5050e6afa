"""Tests of generator/output: publishing, precompression, the offline copy, the preview server."""
