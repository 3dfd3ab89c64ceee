"""Domain errors: every business rule violation raises a subclass of DomainError.

Views turn them into a translated flash message and a 4xx answer (see
``academy.web.errors._handle_domain_error``); they never become a 500.
"""

from __future__ import annotations


class DomainError(Exception):
    """A business rule was violated. ``message`` is a translatable, user-facing text."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params

    def __str__(self) -> str:
        try:
            return self.message % self.params if self.params else self.message
        except Exception:  # a lazy parameter outside a request, a bad placeholder: the text
            return str(self.message)


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


class ValidationFailed(DomainError):
    status_code = 422
