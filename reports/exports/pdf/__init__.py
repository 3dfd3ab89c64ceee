"""A report as a PDF (ReportLab platypus): A4, a title page, then per part a heading,
its description, a chart and the table, and the notes; "Seite X von Y" in the footer.

- **Orientation per part**: portrait when the table fits, landscape when it is wider;
  wider still, the columns are split into bands that each repeat the first column.
- **Long tables** are laid out page by page by :class:`LongRows`: the row heights are
  known in advance, so each page's rows are found by bisection and only one page of
  table is built at a time (a ReportLab ``Table`` re-measures all remaining rows at
  every page break, which is quadratic). The header row is repeated on every page,
  rows are zebra-striped. A part is cut off after ``MAX_ROWS`` rows with a note (the
  CSV and XLSX exports carry every row).
- **Numbers** German (``babel.numbers``, ``de_DE``), dates ``TT.MM.JJJJ``; labels in the
  reader's UI language.
- **Fonts**: Helvetica when every text fits WinAnsi (nothing embedded, small file),
  else DejaVu Sans (embedded subset), as the certificate PDF does.
- **Charts** (``reports.exports.pdf.charts``): bar, horizontal bar or line chart with axis
  titles, German tick labels and the value printed at every bar or point.

The document: ``document``; tables: ``tables``; measures and styles: ``style``;
charts: ``charts``.
"""

from __future__ import annotations

from reports.exports.pdf.document import pdf_rows, write_pdf

__all__ = ["pdf_rows", "write_pdf"]
