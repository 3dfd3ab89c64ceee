"""Report files as downloads: an attachment response, and a file written into a
``SpooledTemporaryFile`` (memory, on disk when large) and streamed from it with a
``Content-Length``, so the result is held once and the browser shows the progress."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from werkzeug.wrappers import Response

from reports.analytics.report_model import Report
from reports.exports.pdf import write_pdf
from reports.exports.xlsx import write_xlsx

SPOOL_MAX = 8 * 1024 * 1024  # in memory up to 8 MB, then a temporary file
STREAM_CHUNK = 256 * 1024
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_MIMETYPE, "pdf": "application/pdf"}
WRITERS: dict[str, Callable[[Report, IO[bytes]], None]] = {"xlsx": write_xlsx, "pdf": write_pdf}


def attachment(body: Any, fmt: str, filename: str, length: int | None = None) -> Response:
    response = Response(body, mimetype=MIMETYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    if length is not None:
        response.headers["Content-Length"] = str(length)
    return response


def _file_chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := spool.read(STREAM_CHUNK):
            yield chunk
    finally:
        spool.close()


def spooled(report: Report, fmt: str) -> tuple[Iterator[bytes], int]:
    """The report written as ``fmt`` (xlsx, pdf): its chunks (closing the file when
    done) and its length."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX)  # noqa: SIM115 - closed by the stream
    try:
        WRITERS[fmt](report, spool)
        length = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return _file_chunks(spool), length
