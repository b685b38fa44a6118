"""Disclosure → Frictionless data package."""
