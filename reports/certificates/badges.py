"""Open Badges 2.0 hosted verification: the assertion, the badge class and the issuer
profile of a certificate as JSON-LD bodies (a revoked certificate answers with its
revocation)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from flask import current_app
from flask_babel import gettext

from academy.clock import BERLIN
from academy.web.urls import public_url
from reports.certificates.certificates import recipient_salt
from reports.certificates.models import Certificate

CONTEXT = "https://w3id.org/openbadges/v2"


def _expires(cert: Certificate) -> str | None:
    if cert.valid_until is None:
        return None
    end = datetime.combine(cert.valid_until, time(23, 59, 59), tzinfo=BERLIN)
    return end.isoformat()


def revocation(cert: Certificate, url: str) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": url,
        "revoked": True,
        "revocationReason": cert.revoked_reason,
    }


def assertion(cert: Certificate) -> dict[str, Any]:
    body: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": public_url("reports.assertion", code=cert.code),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": recipient_salt(cert.code),
            "identity": cert.recipient_hash,
        },
        "badge": public_url("reports.badge", code=cert.code),
        "verification": {"type": "hosted"},
        "issuedOn": cert.issued_at.isoformat(),
    }
    expires = _expires(cert)
    if expires:
        body["expires"] = expires
    return body


def badge_class(cert: Certificate) -> dict[str, Any]:
    criteria = gettext("Completed %(title)s", title=cert.title)
    if cert.ue:
        criteria = gettext("Completed %(title)s (%(ue)s UE)", title=cert.title, ue=cert.ue)
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": public_url("reports.badge", code=cert.code),
        "name": cert.title,
        "description": cert.description or cert.title,
        "image": public_url("reports.badge_image", code=cert.code),
        "criteria": {
            "id": public_url("reports.verify", code=cert.code),
            "narrative": criteria,
        },
        "issuer": public_url("reports.issuer"),
        "alignment": [
            {"targetName": c.get("name_en") or c.get("name_de"), "targetCode": c.get("code")}
            for c in cert.competences or []
        ],
    }


def issuer_profile() -> dict[str, Any]:
    config = current_app.config
    return {
        "@context": CONTEXT,
        "type": "Profile",
        "id": public_url("reports.issuer"),
        "name": config.get("CERTIFICATE_ISSUER") or config.get("ORG_NAME"),
        "url": public_url("reports.verify_form"),
    }
