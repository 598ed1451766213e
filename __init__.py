"""cchc: a compliance checker for Vietnamese administrative-reform (CCHC) plans."""

__version__ = "0.1.0"
