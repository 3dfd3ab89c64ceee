"""Exact linear algebra for disclosure checks: the row space of shown figures over the
rationals. A withheld figure is safe when its vector is not in the row space of the shown
figures' vectors (``RowSpace.contains``); ``combination`` names the shown rows that would
give it away."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from fractions import Fraction

Vector = dict[Hashable, Fraction]


@dataclass(frozen=True)
class _Tag:
    """An extra coordinate naming a row (see ``RowSpace.add``)."""

    tag: Hashable


class RowSpace:
    """The row space of a set of linear figures over the rationals (exact Gaussian
    elimination, rows kept fully reduced): pivot cell → reduced row."""

    def __init__(self) -> None:
        self.rows: dict[Hashable, Vector] = {}

    def reduce(self, vector: Mapping[Hashable, int | Fraction]) -> Vector:
        """``vector`` minus its projection along the pivots (empty: in the row space)."""
        v = {k: Fraction(x) for k, x in vector.items() if x}
        for pivot in [p for p in self.rows if p in v]:
            factor = v.get(pivot)
            if not factor:
                continue
            for k, x in self.rows[pivot].items():
                value = v.get(k, Fraction(0)) - factor * x
                if value:
                    v[k] = value
                else:
                    v.pop(k, None)
        return v

    def add(self, vector: Mapping[Hashable, int | Fraction], tag: Hashable = None) -> None:
        """Add a row; with a ``tag`` the row carries it as an extra coordinate that is
        never a pivot, so ``reduce`` tells which tagged rows make up a combination."""
        v = self.reduce({**vector, _Tag(tag): 1} if tag is not None else vector)
        cells = [k for k in v if not isinstance(k, _Tag)]
        if not cells:
            return
        pivot = min(cells, key=repr)
        scale = v[pivot]
        v = {k: x / scale for k, x in v.items()}
        for other, row in list(self.rows.items()):  # keep the others free of the new pivot
            factor = row.get(pivot)
            if factor:
                row = dict(row)  # rows may be shared with the spaces of subtrees
                for k, x in v.items():
                    value = row.get(k, Fraction(0)) - factor * x
                    if value:
                        row[k] = value
                    else:
                        row.pop(k, None)
                self.rows[other] = row
        self.rows[pivot] = v

    def copy(self) -> RowSpace:
        space = RowSpace()
        space.rows = dict(self.rows)
        return space

    def merge(self, other: RowSpace) -> None:
        """Add the rows of a space over other cells (disjoint: rows stay reduced)."""
        self.rows.update(other.rows)

    def contains(self, vector: Mapping[Hashable, int | Fraction]) -> bool:
        return all(isinstance(k, _Tag) for k in self.reduce(vector))

    def combination(self, vector: Mapping[Hashable, int | Fraction]) -> set[Hashable] | None:
        """The tags of rows that add up to ``vector`` (None: not in the row space)."""
        rest = self.reduce(vector)
        if any(not isinstance(k, _Tag) for k in rest):
            return None
        return {k.tag for k in rest}

    def untagged(self) -> RowSpace:
        space = RowSpace()
        space.rows = {
            p: {k: x for k, x in row.items() if not isinstance(k, _Tag)}
            for p, row in self.rows.items()
        }
        return space
