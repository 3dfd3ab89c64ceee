"""External training requests in the Art. 15 export: every request with its decisions,
competences and files (names, not contents), and its history from the audit log."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import String, cast, select
from sqlalchemy.orm import aliased, selectinload

from academy.accounts.models import User
from academy.extensions import db
from academy.privacy.collect import audit_history
from academy.privacy.registry import Record, register_personal_data
from courses.external.models import (
    STATE_LABELS,
    ExternalRequest,
    ExternalRequestCompetence,
    RequestState,
)


def _state(value: str) -> str:
    try:
        return gettext(STATE_LABELS[RequestState(value)])
    except ValueError:
        return value


def external_requests(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    head, hr, second = (aliased(User) for _ in range(3))
    rows = db.session.execute(
        select(ExternalRequest, head.display_name, hr.display_name, second.display_name)
        .options(
            selectinload(ExternalRequest.competences).joinedload(
                ExternalRequestCompetence.competence
            ),
            selectinload(ExternalRequest.attachments),
        )
        .outerjoin(head, head.id == ExternalRequest.head_id)
        .outerjoin(hr, hr.id == ExternalRequest.hr_id)
        .outerjoin(second, second.id == ExternalRequest.second_id)
        .where(ExternalRequest.employee_id == employee_id)
        .order_by(ExternalRequest.submitted_at, ExternalRequest.id)
    ).all()
    return [
        {
            "Nr.": r.id,
            "Titel": r.title,
            "Anbieter": r.provider,
            "Beginn": r.starts_at,
            "Ende": r.ends_at,
            "Online": r.online,
            "Ort": r.location,
            "Unterrichtseinheiten": r.duration_ue,
            "Kursgebühr (€)": f"{r.cost:.2f}",
            "Reisekosten (€)": f"{r.travel_cost:.2f}",
            "Begründung": r.reason,
            "Kompetenzen": ", ".join(
                f"{c.competence.code} (Stufe {c.level})" for c in r.competences
            )
            or None,
            "Status": _state(r.state),
            "Beantragt am": r.submitted_at,
            "Führungskraft": head_name,
            "Entscheidung der Führungskraft am": r.head_decided_at,
            "Kommentar der Führungskraft": r.head_comment,
            "Personalentwicklung": hr_name,
            "Entscheidung der Personalentwicklung am": r.hr_decided_at,
            "Zweite Genehmigung durch": second_name,
            "Zweite Genehmigung am": r.second_decided_at,
            "Ablehnungsgrund": r.decline_reason,
            "Zurückgenommen am": r.withdrawn_at,
            "Dateien": ", ".join(a.filename for a in r.attachments) or None,
        }
        for r, head_name, hr_name, second_name in rows
    ]


def request_history(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    ids = select(cast(ExternalRequest.id, String)).where(ExternalRequest.employee_id == employee_id)
    return audit_history("external_request", ids)


def register_sections() -> None:
    register_personal_data(
        "externe_fortbildungen",
        "Anträge auf externe Fortbildung",
        external_requests,
        tables=("external_requests", "external_request_competences", "external_attachments"),
        order=320,
        description="Die Inhalte hochgeladener Dateien stehen nicht im Export; Sie können "
        "sie auf der Seite des Antrags herunterladen.",
    )
    register_personal_data(
        "externe_fortbildungen_verlauf",
        "Verlauf Ihrer Anträge auf externe Fortbildung",
        request_history,
        tables=("external_requests", "audit_log"),
        order=325,
        description="Protokolleinträge zu Ihren Anträgen; „Objekt-Nr.“ ist die Nr. des "
        "Antrags im Abschnitt Anträge auf externe Fortbildung.",
    )
