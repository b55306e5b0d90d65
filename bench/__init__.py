"""Samspil's benchmark: ``python -m bench`` (``make bench``) prints a table of figures.

It measures the engine against the targets of issue 2 on SQLite and PostgreSQL, in throw-away
databases (a temporary SQLite file; a fresh PostgreSQL database that is dropped afterwards). It
writes nothing to tests/ and nothing to the project's own database.
"""
