"""The concurrency tests' app on a database of its own (shared with the enrolment tests)."""

from tests.courses.enrolment.test_concurrency import own_app  # noqa: F401 - the fixture
