"""sitegen: budget disclosures (部门预算公开) → open data packages and a static site."""

__version__ = "0.1.0"
PARSER_VERSION = "1"  # bump when parsing output changes: invalidates the build cache
