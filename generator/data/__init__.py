"""The data layer: services.yaml and site_config.yml read with their positions (yamlnodes), checked against the JSON
Schema and across items (schema_checks, cross_checks, wording), and turned into the immutable model (load, model);
what the model alone answers (eligibility, quantities, plain data, diff, plural forms) and the errors every layer
raises.

May import: nothing else of the generator (it is the bottom layer)."""
