"""Exact linear algebra for disclosure checks — moved to ``academy.statistics.rowspace``
so that the talent layer (the fairness view of a selection) can audit with it too; this
module keeps the reports' imports working."""

from academy.statistics.rowspace import RowSpace, Vector

__all__ = ["RowSpace", "Vector"]
