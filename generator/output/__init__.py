"""Output: the only code that writes site/ (publish: staging and the atomic swap), precompressed twins (compress), the
offline copy (offline) and the local preview server and watcher (serve).

May import: data only; never a renderer (build.py and cli.py, above every layer, join them)."""
