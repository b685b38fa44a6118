"""The national template: finding and reading tables and text into the Disclosure model."""

from .model import Disclosure, ParseError, Table, Warning_
from .parse import parse_document

__all__ = ["Disclosure", "ParseError", "Table", "Warning_", "parse_document"]
