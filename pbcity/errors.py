"""Turning a service's PermissionDenied / ValidationError into messages a person can read."""
from django.contrib import messages
from django.core.exceptions import ValidationError


def error_messages(exc) -> list[str]:
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]


def flash_errors(request, exc) -> None:
    for msg in error_messages(exc):
        messages.error(request, msg)


def form_errors(form, exc) -> None:
    """Put a service's error on the form, so the page shows it next to what was entered."""
    for msg in error_messages(exc):
        form.add_error(None, msg)
