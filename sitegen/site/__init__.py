"""The static site: jinja2 pages rendered from the data packages."""
