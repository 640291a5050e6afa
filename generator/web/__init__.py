"""The website: Markdown pages (site, changes, finder), their head metadata (pagemeta), the MkDocs configuration and
theme (mkdocs_config), minified assets (assets), the search index (search, searchtables) and the sitemap.

May import: data and present; never printing, opendata or output (build.py hands over what it needs from them)."""
