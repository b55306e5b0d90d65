"""Samspil's extensions of SpiffWorkflow, made through the library's own seams.

- :mod:`.specs`: a user task that knows its form, assignee and candidates; timers that read the engine clock.
- :mod:`.parser`: parser classes that accept Camunda Modeler, spiff-arena and hand-written diagrams.
- :mod:`.scripting`: the restricted environment that runs diagram code.
- :mod:`.serializer`: converters that store an instance without its spec and without its finished past.
"""
