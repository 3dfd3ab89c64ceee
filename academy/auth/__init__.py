"""Authentication, login sessions, throttling and the permission policy."""
