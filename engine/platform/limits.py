"""Every limit on diagram code and on diagrams, in one place (issue 10, findings 3, 6 and 7).

Diagram code is untrusted (SECURITY.md, "Diagram code and diagrams"): it runs in a separate process with these limits,
what it leaves behind must be plain JSON of bounded size, and one service operation may spend only
so much time and so many engine steps before the course stops in ``error``. Diagrams themselves are
bounded at upload, so validating or starting one cannot hold a server process or a database lock
for long. SECURITY.md explains each limit; change them here only.
"""
from __future__ import annotations

# One script or expression: wall-clock time the server waits before it kills the sandbox process.
SCRIPT_CALL_SECONDS = 1.0
# A sandbox process's address space (RLIMIT_AS) and its CPU seconds per call (RLIMIT_CPU, a backstop
# for a sandbox process whose server is gone; the wall-clock limit above is what normally stops it).
SANDBOX_MEMORY_BYTES = 256 * 1024 * 1024
SANDBOX_CPU_SECONDS_PER_CALL = 2
# Sandbox processes kept per server process (each serves one call at a time).
SANDBOX_PROCESSES = 4

# One service operation (a start, a completion, a message, a timer pass of one course).
OPERATION_SCRIPT_SECONDS = 5.0      # all diagram code of the operation together
# Engine steps (script tasks, gateways, events) before the course must wait for someone. Well below
# 1,000: SpiffWorkflow's task iterator stops at depth 1,000, so a course that ran further without
# waiting would silently count as completed.
OPERATION_ENGINE_STEPS = 500
OPERATION_ENGINE_SECONDS = 10.0     # the engine's own work between waits, diagram code included

# A draft's test run (many operations replayed in a throw-away database): all of them together.
TEST_RUN_SCRIPT_SECONDS = 10.0
TEST_RUN_ENGINE_STEPS = 5_000
TEST_RUN_ENGINE_SECONDS = 30.0

# What diagram code may leave in a course's data or return from an expression.
RESULT_BYTES = 256 * 1024           # the whole task data after a script, as JSON
STRING_CHARS = 100_000              # one string value (or key)
NESTING_DEPTH = 32                  # lists and objects inside each other
MAX_INTEGER = 2**53 - 1             # the integers JavaScript (the pages) and every JSON reader keep exactly

# Diagram code as written.
EXPRESSION_CHARS = 10_000
SCRIPT_CHARS = 100_000
CODE_NESTING = 100                  # depth of the code's syntax tree ((((x)))) or 1+1+1+...

# Uploads and diagrams.
FILE_BYTES = 2 * 1024 * 1024        # one BPMN, DMN or form file
UPLOAD_BYTES = 5 * 1024 * 1024      # all files of one upload (deploy, validate, draft)
FLOW_ELEMENTS = 2_000               # flow nodes and sequence flows of all processes of an upload

# Heavy work (validating, deploying, a draft's test run): at most this many at once per server
# process; a request that cannot get a slot within the wait is answered 503 with Retry-After.
HEAVY_SLOTS = 2
HEAVY_WAIT_SECONDS = 2.0
HEAVY_RETRY_AFTER_SECONDS = 5
