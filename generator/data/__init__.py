"""The data layer: services.yaml and site_config.yml read with their positions (yamlnodes), checked against the JSON
Schema and across items (schema_checks, cross_checks, wording), and turned into the immutable model (load, model);
what the model alone answers (eligibility, quantities, plain data, diff, plural forms, gaps) and the errors every
layer raises; the spreadsheet round trip's column mapping (columns), workbook reading (sheetread), import
(sheetimport) and in-place editing of services.yaml (yamledit).

May import: nothing else of the generator (it is the bottom layer)."""
