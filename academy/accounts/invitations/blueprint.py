"""The one blueprint of the invitations: HR's page (``views.hr``) and the page the link
opens (``views.public``)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("invitations", __name__)
