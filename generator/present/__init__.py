"""The shared presentation layer: what every renderer shows the same way — per-language view objects and labels
(views), page paths and public URLs (urls), QR codes (qr), stable ids (ids) and the Jinja environments and filters
(filters).

May import: data only."""
