"""What the API answers: marshmallow schemas (they shape the JSON and document it in the
OpenAPI document). Times are UTC in ISO 8601, days ``YYYY-MM-DD``, amounts strings."""

from __future__ import annotations

import marshmallow as ma

from api.v1.paging import page_schema

F = ma.fields


def _text(description: str, *, enum: list[str] | None = None, **kwargs: object) -> F.String:
    metadata: dict[str, object] = {"description": description}
    if enum:
        metadata["enum"] = enum
    return F.String(metadata=metadata, **kwargs)  # type: ignore[arg-type]


def _int(description: str, **kwargs: object) -> F.Integer:
    return F.Integer(metadata={"description": description}, **kwargs)  # type: ignore[arg-type]


class CourseRef(ma.Schema):
    id = _int("Kurs-ID")
    code = _text("Kurskürzel")
    title = _text("Titel")


class CategorySchema(ma.Schema):
    id = _int("Kategorie-ID")
    name = _text("Name der Kategorie")


class OutcomeSchema(ma.Schema):
    competence_id = _int("Kompetenz-ID")
    competence_code = _text("Kürzel der Kompetenz")
    competence_name = _text("Name der Kompetenz")
    framework = _text("Kürzel des Kompetenzrahmens")
    level = _int("Stufe, die der Abschluss belegt")


class CourseSchema(ma.Schema):
    id = _int("Kurs-ID")
    code = _text("Kurskürzel")
    title = _text("Titel")
    description = _text("Beschreibung")
    category = F.Nested(CategorySchema)
    format = _text("Format", enum=["in_person", "online", "blended", "self_paced"])
    level = _text("Niveau", enum=["basic", "intermediate", "advanced"])
    duration_ue = _int("Umfang in Unterrichtseinheiten (UE, 45 Minuten)")
    provider = _text("Anbieter", enum=["internal", "kommunalcampus", "external"])
    provider_name = _text("Name des externen Anbieters", allow_none=True)
    cost = F.Decimal(as_string=True, places=2, metadata={"description": "Kosten in Euro"})
    requires_approval = F.Boolean(metadata={"description": "Genehmigung der Leitung nötig"})
    validity_months = _int("Gültigkeit eines Abschlusses in Monaten", allow_none=True)
    archived = F.Boolean(metadata={"description": "Archiviert (nicht mehr im Katalog)"})
    prerequisites = F.List(F.String(), metadata={"description": "Kürzel vorausgesetzter Kurse"})
    outcomes = F.List(F.Nested(OutcomeSchema), metadata={"description": "Kompetenzziele"})
    url = _text("Adresse der Kursseite")
    updated_at = F.DateTime(metadata={"description": "Zuletzt geändert (UTC)"})


class SessionSchema(ma.Schema):
    id = _int("Termin-ID")
    course = F.Nested(CourseRef)
    starts_at = F.DateTime(metadata={"description": "Beginn (UTC)"})
    ends_at = F.DateTime(metadata={"description": "Ende (UTC)"})
    location = _text("Ort", allow_none=True)
    online = F.Boolean(metadata={"description": "Findet online statt (Link nur für Teilnehmende)"})
    capacity = _int("Plätze")
    seats_left = _int("Freie Plätze")
    min_participants = _int("Mindestteilnehmerzahl")
    enrolment_deadline = F.DateTime(metadata={"description": "Anmeldeschluss (UTC)"})
    cancellation_deadline = F.DateTime(metadata={"description": "Abmeldeschluss (UTC)"})
    phase = _text(
        "Stand des Termins",
        enum=["scheduled", "running", "finished", "cancelled"],
    )
    enrolment_open = F.Boolean(metadata={"description": "Anmeldung möglich"})
    url = _text("Adresse der Kursseite")


class PersonSchema(ma.Schema):
    personnel_no = _text("Personalnummer")
    active = F.Boolean(metadata={"description": "Beschäftigt (nicht ausgeschieden)"})


class CompletionSchema(ma.Schema):
    enrolment_id = _int("ID der Anmeldung")
    course = F.Nested(CourseRef)
    session_id = _int("Termin-ID")
    completed_on = F.Date(metadata={"description": "Abgeschlossen am"})
    ue = _int("Unterrichtseinheiten")
    valid_until = F.Date(
        allow_none=True, metadata={"description": "Gültig bis (ohne: unbefristet)"}
    )
    valid = F.Boolean(metadata={"description": "Heute noch gültig"})


class CertificateSchema(ma.Schema):
    serial = _text("Nummer der Bescheinigung")
    kind = _text("Art", enum=["course", "programme", "external"])
    title = _text("Titel")
    ue = _int("Unterrichtseinheiten", allow_none=True)
    started_on = F.Date(allow_none=True, metadata={"description": "Begonnen am"})
    completed_on = F.Date(metadata={"description": "Abgeschlossen am"})
    issued_at = F.DateTime(metadata={"description": "Ausgestellt (UTC)"})
    valid_until = F.Date(allow_none=True, metadata={"description": "Gültig bis"})
    status = _text("Status", enum=["valid", "expired", "revoked"])
    revoked_at = F.DateTime(allow_none=True, metadata={"description": "Widerrufen (UTC)"})
    course_id = _int("Kurs-ID", allow_none=True)
    verification_url = _text("Öffentliche Prüfadresse")


class CompetenceSchema(ma.Schema):
    id = _int("Kompetenz-ID")
    code = _text("Kürzel")
    name = _text("Name (deutsch)")
    name_en = _text("Name (englisch)")
    framework = _text("Kürzel des Kompetenzrahmens")


class CompetencySchema(ma.Schema):
    competence = F.Nested(CompetenceSchema)
    target = _int("Soll-Stufe aus dem Soll-Profil der Stelle", allow_none=True)
    current = _int("Aktuelle Stufe (Regel der Akademie)", allow_none=True)
    gap = _int("Lücke: Soll minus Ist, nie unter 0")
    source = _text(
        "Woher die aktuelle Stufe stammt",
        allow_none=True,
        enum=["head", "course", "external"],
    )
    since = F.Date(allow_none=True, metadata={"description": "Datum des Nachweises"})
    via_competence_id = _int("Nachweis über eine gleichwertige Kompetenz", allow_none=True)


class DepartmentSchema(ma.Schema):
    id = _int("Bereichs-ID")
    code = _text("Kürzel")
    name = _text("Name")
    parent_id = _int("Übergeordneter Bereich", allow_none=True)
    active = F.Boolean(metadata={"description": "Aktiv"})


class GapRowSchema(ma.Schema):
    kind = _text("Art der Zeile", enum=["department", "job_role", "competence", "total"])
    id = _int("ID des Bereichs, der Stelle oder der Kompetenz", allow_none=True)
    label = _text("Bezeichnung")
    with_target = _int("Personen mit Soll-Profil", allow_none=True)
    below_target = _int("Personen unter Soll", allow_none=True)
    below_share = F.Float(allow_none=True, metadata={"description": "Anteil unter Soll (0–1)"})
    total_gap = _int("Lücke insgesamt (Stufen)", allow_none=True)
    mean_gap = F.Float(allow_none=True, metadata={"description": "Mittlere Lücke je Person"})
    withheld = F.Boolean(
        metadata={"description": "Zurückgehalten (Mindestgruppengröße, Datenschutz)"}
    )


class GapPartSchema(ma.Schema):
    key = _text("Aufschlüsselung", enum=["by_department", "by_job_role", "by_competence"])
    title = _text("Überschrift")
    rows = F.List(F.Nested(GapRowSchema))
    notes = F.List(F.String(), metadata={"description": "Hinweise (z. B. zurückgehaltene Zahlen)"})


class GapsSchema(ma.Schema):
    department_id = _int(
        "Bereich (mit allen Unterbereichen); ohne: ganze Verwaltung", allow_none=True
    )
    job_role_id = _int("Nur diese Stelle", allow_none=True)
    area_id = _int("Nur dieser Kompetenzbereich", allow_none=True)
    min_group_size = _int("Mindestgruppengröße")
    parts = F.List(F.Nested(GapPartSchema))


CoursePage = page_schema(CourseSchema, "CoursePage")
SessionPage = page_schema(SessionSchema, "SessionPage")
DepartmentPage = page_schema(DepartmentSchema, "DepartmentPage")


def person_page(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A page of one person's rows, with the person."""
    schema = page_schema(item, name)
    return ma.Schema.from_dict(
        {**schema._declared_fields, "person": F.Nested(PersonSchema, required=True)},
        name=name,
    )


CompletionPage = person_page(CompletionSchema, "CompletionPage")
CertificatePage = person_page(CertificateSchema, "CertificatePage")
CompetencyPage = person_page(CompetencySchema, "CompetencyPage")
