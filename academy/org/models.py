"""Organisation: departments (a tree with a head), job roles and employees."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from academy.clock import UTCDateTime, utcnow
from academy.extensions import db
from academy.org.names import MAX_KEY, name_key, name_key_default


class Department(db.Model):
    """A Bereich / Amt / Abteilung. ``path`` is the materialised path ``/1/4/9/``."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    path: Mapped[str] = mapped_column(String(500), default="/", index=True)
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", use_alter=True, name="fk_departments_head_id_employees"),
        index=True,
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The finance department's cost centre (Kostenstelle) of the unit, for the budget export.
    cost_centre: Mapped[str | None] = mapped_column(String(20))

    parent: Mapped[Department | None] = relationship(remote_side="Department.id")
    head: Mapped[Employee | None] = relationship(foreign_keys=[head_id], post_update=True)

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)

    def __repr__(self) -> str:
        return f"<Department {self.code}>"


class JobRole(db.Model):
    """A job role (Stelle / Funktion) that a role profile can target."""

    __tablename__ = "job_roles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"<JobRole {self.code}>"


class Employee(db.Model):
    __tablename__ = "employees"
    __table_args__ = (
        Index("ix_employees_name", "last_name", "first_name"),
        # members of departments by job role, read from the index alone (team pages)
        Index("ix_employees_team", "department_id", "active", "job_role_id"),
        # a page of a team in name order, sought and cut in the index alone (the rows of
        # the page are read afterwards): no sort of the whole team's rows; with the id,
        # also PostgreSQL reads a subtree's members from the index alone
        Index(
            "ix_employees_team_names", "department_id", "active", "name_key", "job_role_id", "id"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    personnel_no: Mapped[str] = mapped_column(String(32), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    job_role_id: Mapped[int | None] = mapped_column(ForeignKey("job_roles.id"), index=True)
    entry_date: Mapped[date | None] = mapped_column(Date)
    pay_group: Mapped[str | None] = mapped_column(String(20))
    #: Share of full-time in percent (100: full-time; 1–99: part-time; None: not known),
    #: from the staff import (Beschäftigungsumfang).
    employment_percent: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    left_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Last and first name in German dictionary order (``academy.org.names``): set on
    #: every insert and whenever a name changes on the object; a bulk UPDATE of names
    #: sets it too (staff import, retention).
    name_key: Mapped[str] = mapped_column(
        String(MAX_KEY).with_variant(String(MAX_KEY, collation="C"), "postgresql"),
        default=name_key_default,
        index=True,
    )

    department: Mapped[Department] = relationship(foreign_keys=[department_id])
    job_role: Mapped[JobRole | None] = relationship()

    @validates("first_name", "last_name")
    def _keep_name_key(self, key: str, value: str) -> str:
        first = value if key == "first_name" else self.first_name
        last = value if key == "last_name" else self.last_name
        self.name_key = name_key(last, first)
        return value

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def sort_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    def __repr__(self) -> str:
        return f"<Employee {self.personnel_no}>"
