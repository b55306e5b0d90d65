"""Samspil's process engine: SpiffWorkflow with durable state in SQLAlchemy.

The package is a library. It imports nothing from Flask; the web app and the CLI call the
service functions in :mod:`engine.services` through an :class:`engine.bootstrap.Engine`.
"""
