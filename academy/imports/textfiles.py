"""Reading text files as German offices and Excel write them (shared by all importers)."""

from __future__ import annotations

import codecs

from academy.i18n import N_

SEPARATORS = (";", "\t", ",")


class UndecodableText(ValueError):
    """Neither UTF-8 nor Windows-1252; ``line`` is where the first bad byte stands."""

    def __init__(self, line: int) -> None:
        super().__init__(f"undecodable text at line {line}")
        self.line = line


#: Shown by every importer for a file that is no text in a known encoding.
UNDECODABLE_MESSAGE = N_("The file could not be read: it is neither UTF-8 nor Windows-1252 text.")


def decode_text(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``: UTF-8 with or without BOM, UTF-16 with BOM (Excel's
    "Unicode text"), otherwise Windows-1252 (Excel's "CSV (Trennzeichen-getrennt)").
    Raises ``UndecodableText`` for anything else."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise UndecodableText(data[: exc.start].count(b"\n") + 1) from exc


def sniff_separator(line: str) -> str:
    """The most frequent of ``;``, tab and ``,`` in the header line (``;`` on a tie or
    when there is none, as German Excel writes)."""
    counts = {sep: line.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"
