"""``Employee.name_key``: German dictionary order kept on every row, however the row is
written — by the ORM, in bulk, by the staff import's update, by the retention's
anonymisation (which must leave no trace of the old name)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from academy.extensions import db
from academy.org.models import Employee
from academy.org.names import SEPARATOR, fold_name, name_key
from academy.retention.core import anonymous_last_name, anonymous_name_key
from academy.retention.rules import FORMER_EMPLOYEE
from tests import factories


def key_of(employee_id: int) -> str:
    db.session.expire_all()
    return db.session.scalar(select(Employee.name_key).where(Employee.id == employee_id))


def test_the_key_folds_umlauts_sharp_s_and_case() -> None:
    assert fold_name("Öztürk") == "ozturk" and fold_name("Strauß") == "strauss"
    assert name_key("Ärmel", "Zoë") == f"armel{SEPARATOR}zoe"
    # (last, first) pairs compare as their keys do
    pairs = [("Abel", "Zora"), ("Abel-Berg", "Anna"), ("Ärmel", "Bert"), ("Özdemir", "Ali")]
    assert sorted(pairs, key=lambda p: name_key(*p)) == pairs


def test_the_orm_keeps_the_key_when_a_name_changes(db: Any) -> None:
    person = factories.employee(first_name="Jörg", last_name="Müller")
    assert key_of(person.id) == name_key("Müller", "Jörg")
    person = db.session.get(Employee, person.id)
    person.last_name = "Ähnlich"
    db.session.flush()
    assert key_of(person.id) == name_key("Ähnlich", "Jörg")


def test_bulk_inserts_and_updates_get_the_key(db: Any) -> None:
    dept = factories.department()
    db.session.execute(
        insert(Employee),
        [
            {
                "personnel_no": "NK1",
                "first_name": "Ute",
                "last_name": "Übel",
                "department_id": dept.id,
            },
            {
                "personnel_no": "NK2",
                "first_name": "Ole",
                "last_name": "Öhm",
                "department_id": dept.id,
            },
        ],
    )
    ids = dict(
        db.session.execute(
            select(Employee.personnel_no, Employee.id).where(
                Employee.personnel_no.in_(["NK1", "NK2"])
            )
        ).all()
    )
    assert key_of(ids["NK1"]) == name_key("Übel", "Ute")
    # the staff import's update by primary key carries the key it computed
    db.session.execute(
        update(Employee),
        [
            {
                "id": ids["NK2"],
                "first_name": "Ole",
                "last_name": "Zander",
                "name_key": name_key("Zander", "Ole"),
            }
        ],
    )
    assert key_of(ids["NK2"]) == name_key("Zander", "Ole")


def test_anonymisation_leaves_no_trace_of_the_old_name(db: Any) -> None:
    person = factories.employee(first_name="Renate", last_name="Rücker")
    db.session.execute(
        update(Employee)
        .where(Employee.id == person.id)
        .values(
            first_name=FORMER_EMPLOYEE,
            last_name=anonymous_last_name(),
            name_key=anonymous_name_key(),
        )
        .execution_options(synchronize_session=False)
    )
    key = key_of(person.id)
    assert key == name_key(f"#{person.id}", FORMER_EMPLOYEE)
    assert "rucker" not in key and "renate" not in key
