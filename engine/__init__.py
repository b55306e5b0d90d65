"""Samspil's process engine: SpiffWorkflow with durable state in SQLAlchemy.

The package is a library. It imports nothing from Flask; the web app and the CLI call the
service functions of its rooms (:mod:`engine.definitions`, :mod:`engine.courses`, :mod:`engine.work`,
:mod:`engine.people`, :mod:`engine.dashboard`) with the parts an :class:`engine.bootstrap.Engine` holds.
"""
