"""The Dagster code location of the warehouse: ``definitions.py`` loads everything under ``defs/``."""
