"""The conformance suite drives courses through the REST API: the web tests' app, client and tokens."""
from tests.web.conftest import api, app, client, tokens  # noqa: F401  (fixtures)
