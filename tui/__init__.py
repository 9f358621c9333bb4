"""apiplay: a terminal playground for REST APIs."""

__version__ = "0.1.0"
