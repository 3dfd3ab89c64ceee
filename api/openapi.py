"""The flask-smorest ``Api`` of the read API: the OpenAPI 3 document (title, security
scheme, tags) — and no application-wide error handler (flask-smorest would answer every
error of the HTML pages in JSON; ``api.errors`` answers under ``/api/`` only)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api

from api.errors import ErrorSchema
from api.tokens.scopes import SCOPES

DESCRIPTION = """Lese-Schnittstelle der Digitalakademie für andere Systeme der Verwaltung
(Personalverwaltung, Intranet).

**Anmeldung:** jeder Aufruf sendet `Authorization: Bearer <Token>` — einen Dienstzugang,
den eine Administratorin unter *Verwaltung → Schnittstellen* anlegt (`dak_…`), oder, wo
die Anmeldung über OpenID Connect eingerichtet ist, ein Zugriffstoken des
Identitätsanbieters (Client-Credentials, Audience `API_AUDIENCE`, Bereiche im Claim
`API_SCOPE_CLAIM`).

**Bereiche:** {scopes}

**Listen** haben Seiten (`page`, `per_page` bis 100; Seitenangaben im Feld `page`, im
`Link`-Header und in `X-Total-Count`) und ein `ETag`: mit `If-None-Match` antwortet eine
unveränderte Liste `304`.

**Fehler** sind JSON (`code`, `status`, `message`, bei 422 `errors` je Parameter):
401 ohne oder mit ungültigem Token, 403 ohne den nötigen Bereich, 404 für unbekannte
Kennungen, 422 für ungültige Parameter.

**Datenschutz:** jeder Abruf personenbezogener Daten steht mit dem Namen des Zugangs und
seinem Zweck im Zugriffsprotokoll, das der Personalrat einsieht. Kennzahlen halten
Gruppen unter der Mindestgruppengröße zurück — und jede Zahl, aus der sich eine solche
Gruppe errechnen ließe — genau wie die Berichtsseiten."""

TAGS = [
    {"name": "Katalog", "description": "Kurse und Termine (catalogue:read)"},
    {"name": "Personen", "description": "Abschlüsse, Zertifikate, Kompetenzen je Personalnummer"},
    {"name": "Kennzahlen", "description": "Bereiche und Kompetenzlücken (reports:read)"},
]


class ReadApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        """Nothing application-wide: see the module docstring."""


def spec_options() -> dict[str, Any]:
    scopes = "; ".join(f"`{key}`" for key in SCOPES)
    return {
        "title": "Digitalakademie – Lese-Schnittstelle",
        "version": "1.0",
        "openapi_version": "3.0.3",
        "info": {"description": DESCRIPTION.format(scopes=scopes)},
        "security": [{"bearerAuth": []}],
    }


def create_api(app: Flask) -> ReadApi:
    api = ReadApi(app, spec_kwargs=spec_options())
    api.spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "Dienstzugang (dak_…) oder Zugriffstoken des OIDC-Anbieters",
        },
    )
    for tag in TAGS:
        api.spec.tag(tag)
    return api
