"""Competency frameworks: the shared vocabulary (framework, levels, areas, competences)."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import db


class Framework(db.Model):
    __tablename__ = "frameworks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_de: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_de: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(String(40))
    publisher: Mapped[str | None] = mapped_column(String(200))
    licence: Mapped[str | None] = mapped_column(String(100))
    source_url: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    levels: Mapped[list[FrameworkLevel]] = relationship(
        back_populates="framework", order_by="FrameworkLevel.level", cascade="all, delete-orphan"
    )
    areas: Mapped[list[CompetenceArea]] = relationship(
        back_populates="framework", order_by="CompetenceArea.position", cascade="all, delete-orphan"
    )

    @property
    def level_min(self) -> int:
        return min((lv.level for lv in self.levels), default=1)

    @property
    def level_max(self) -> int:
        return max((lv.level for lv in self.levels), default=1)


class FrameworkLevel(db.Model):
    __tablename__ = "framework_levels"
    __table_args__ = (UniqueConstraint("framework_id", "level"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(Integer)
    name_de: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    band_de: Mapped[str | None] = mapped_column(String(100))
    band_en: Mapped[str | None] = mapped_column(String(100))
    description_de: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)

    framework: Mapped[Framework] = relationship(back_populates="levels")


class CompetenceArea(db.Model):
    __tablename__ = "competence_areas"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("frameworks.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(20))
    name_de: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)

    framework: Mapped[Framework] = relationship(back_populates="areas")
    competences: Mapped[list[Competence]] = relationship(
        back_populates="area", order_by="Competence.position", cascade="all, delete-orphan"
    )


class Competence(db.Model):
    __tablename__ = "competences"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("frameworks.id", ondelete="CASCADE"), index=True
    )
    area_id: Mapped[int] = mapped_column(
        ForeignKey("competence_areas.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(20))
    name_de: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    description_de: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    sfia_codes: Mapped[str | None] = mapped_column(String(100))
    esco_uri: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)

    framework: Mapped[Framework] = relationship()
    area: Mapped[CompetenceArea] = relationship(back_populates="competences")
