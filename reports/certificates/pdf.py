"""Certificate PDF (Teilnahmebescheinigung / Zertifikat), drawn directly with ReportLab.

One A4 portrait page. The text is German on purpose: a certificate is an official German
document and a frozen snapshot, so its wording does not follow the viewer's UI locale.

Fonts: the built-in Helvetica (WinAnsi encoding, covers ä ö ü Ä Ö Ü ß and the rest of
Western European Latin) keeps the PDF small because nothing is embedded. Only when some
text needs a character outside WinAnsi (e.g. Ł, ş, ğ in a name) the page switches to
DejaVu Sans, which ReportLab embeds as a subset of the glyphs used.

The QR code is encoded by zxing-cpp (C++, a tenth of the time of a pure-Python encoder) and
drawn as vector rectangles, one per horizontal run of dark modules.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

import zxingcpp
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from academy.clock import to_berlin

if TYPE_CHECKING:
    from reports.certificates.models import Certificate

DEJAVU_DIR = "/usr/share/fonts/truetype/dejavu"
DEFAULT_SIGNATORIES: tuple[tuple[str, str], ...] = (("", "Personalentwicklung"),)

PAGE_W, PAGE_H = A4
MARGIN = 22 * mm
TEXT_W = PAGE_W - 2 * MARGIN
DARK = (0.12, 0.16, 0.22)
ACCENT = (0.05, 0.30, 0.55)
GREY = (0.40, 0.40, 0.40)
MAX_COMPETENCES = 12
MAX_DESCRIPTION_LINES = 5
SIG_Y = 62 * mm


@dataclass(frozen=True)
class IssuerStyle:
    """What the issuing organisation puts on every certificate: an optional logo file and
    the signature lines as ``(name, title)`` pairs (name may be empty)."""

    logo_path: str | None = None
    signatories: tuple[tuple[str, str], ...] = DEFAULT_SIGNATORIES
    place: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> IssuerStyle:
        """Read ``CERTIFICATE_LOGO`` (path, optional), ``CERTIFICATE_SIGNATORIES``
        (list of ``{"name", "title"}`` dicts, ``(name, title)`` pairs or plain titles) and
        ``CERTIFICATE_PLACE`` (the place printed before the issue date)."""
        logo = config.get("CERTIFICATE_LOGO") or None
        raw = config.get("CERTIFICATE_SIGNATORIES") or ()
        return cls(
            logo_path=str(logo) if logo else None,
            signatories=_signatories(raw),
            place=str(config.get("CERTIFICATE_PLACE") or ""),
        )


def _signatories(raw: Iterable[Any]) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for item in raw:
        if isinstance(item, str):
            out.append(("", item))
        elif isinstance(item, Mapping):
            out.append((str(item.get("name") or ""), str(item.get("title") or "")))
        else:
            name, title = [*item, "", ""][:2]
            out.append((str(name or ""), str(title or "")))
    return tuple(out) or DEFAULT_SIGNATORIES


def _default_style() -> IssuerStyle:
    try:
        from flask import current_app, has_app_context
    except ImportError:  # pragma: no cover - Flask is a dependency
        return IssuerStyle()
    if has_app_context():
        return IssuerStyle.from_config(current_app.config)
    return IssuerStyle()


def german_date(value: date | None) -> str:
    """``dd.mm.yyyy`` or an empty string."""
    return value.strftime("%d.%m.%Y") if value else ""


@cache
def _dejavu_fonts() -> tuple[str, str] | None:
    regular = os.path.join(DEJAVU_DIR, "DejaVuSans.ttf")
    bold = os.path.join(DEJAVU_DIR, "DejaVuSans-Bold.ttf")
    if not (os.path.exists(regular) and os.path.exists(bold)):
        return None
    pdfmetrics.registerFont(TTFont("DejaVuSans", regular))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", bold))
    return "DejaVuSans", "DejaVuSans-Bold"


def fonts_for(texts: Iterable[str]) -> tuple[str, str]:
    """Helvetica when WinAnsi (cp1252) covers every character, else DejaVu Sans."""
    try:
        "".join(texts).encode("cp1252")
    except UnicodeEncodeError:
        fonts = _dejavu_fonts()
        if fonts:
            return fonts
    return "Helvetica", "Helvetica-Bold"


@cache
def _logo(path: str, mtime: float) -> ImageReader:  # mtime: reload a replaced file
    return ImageReader(path)


def _load_logo(path: str | None) -> ImageReader | None:
    if not path:
        return None
    try:
        return _logo(path, os.path.getmtime(path))
    except (OSError, ValueError):
        return None  # missing or unreadable logo: the certificate is issued without it


def _char_wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Wrap text without spaces (a URL) at character boundaries."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return [text]
    lines, current = [], ""
    for ch in text:
        if current and pdfmetrics.stringWidth(current + ch, font, size) > width:
            lines.append(current)
            current = ch
        else:
            current += ch
    return [*lines, current] if current else lines


_DARK_RUN = re.compile(rb"\x00+")


def _draw_qr(c: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw a QR code (error correction M) for ``data`` with its lower left corner at
    (x, y), quiet zone included. The modules are written as one path of ``re`` operators in
    module units under a transform, one rectangle per horizontal run of dark modules."""
    symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(symbol.to_image(scale=1, add_quiet_zones=False))
    n = image.shape[0]
    pixels = image.tobytes()  # one byte per module, 0 = dark
    module = size / (n + 8)  # 4 modules quiet zone each side
    ops = []
    for r in range(n):
        row = pixels[r * n : (r + 1) * n]
        ops.extend(f"{m.start()} {r} {m.end() - m.start()} 1 re" for m in _DARK_RUN.finditer(row))
    c.saveState()
    c.setFillColorRGB(0, 0, 0)
    # origin at the top left dark-module corner, y downwards, 1 unit = 1 module
    c.transform(module, 0, 0, -module, x + 4 * module, y + size - 4 * module)
    c.addLiteral("\n".join(ops) + "\nf")
    c.restoreState()


def _lines(
    c: Canvas, text: str, font: str, size: float, y: float, *, leading: float, max_lines: int = 99
) -> float:
    """Centred, wrapped text from baseline y downwards; returns the next baseline."""
    lines = simpleSplit(text, font, size, TEXT_W)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" .") + " …"
    c.setFont(font, size)
    for line in lines:
        c.drawCentredString(PAGE_W / 2, y, line)
        y -= leading
    return y


def _competence_rows(cert: Certificate) -> list[tuple[str, str, str]]:
    """``(code, name, level)`` per competence; the level with its name in the framework's
    scale where the snapshot has it (``3 – Mittelstufe, eigenständig``)."""
    rows = []
    for comp in cert.competences or []:
        level = "" if comp.get("level") is None else str(comp.get("level"))
        if level and comp.get("level_name_de"):
            level = f"{level} – {comp['level_name_de']}"
        rows.append(
            (
                str(comp.get("code") or ""),
                str(comp.get("name_de") or comp.get("name_en") or ""),
                level,
            )
        )
    return rows


def issue_line(cert: Certificate, place: str) -> str:
    """``Ludwigshafen am Rhein, 07.12.2026`` or ``Ausgestellt am 07.12.2026`` (the day of
    issue in Berlin; a certificate not yet stored counts as issued on completion)."""
    issued = to_berlin(cert.issued_at).date() if cert.issued_at is not None else cert.completed_on
    return f"{place}, {german_date(issued)}" if place else f"Ausgestellt am {german_date(issued)}"


def certificate_pdf(
    cert: Certificate, *, verify_url: str, issuer: IssuerStyle | None = None
) -> bytes:
    """Render ``cert`` as a one-page A4 PDF and return its bytes.

    ``verify_url`` is encoded in the QR code and printed below it. ``issuer`` defaults to
    the app config (``CERTIFICATE_LOGO``, ``CERTIFICATE_SIGNATORIES``) when an app context
    is active, else to no logo and one signature line "Personalentwicklung"."""
    style = issuer or _default_style()
    programme = cert.kind == "programme"
    heading = "Zertifikat" if programme else "Teilnahmebescheinigung"
    comps = _competence_rows(cert)
    title = cert.title or ""
    texts = [cert.recipient_name or "", title, cert.description or "", cert.issuer_name or ""]
    texts += [t for row in comps for t in row]
    texts += [t for pair in style.signatories for t in pair] + [style.place]
    regular, bold = fonts_for(texts)

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(f"{heading} – {cert.recipient_name}")
    c.setAuthor(cert.issuer_name or "")
    c.setSubject(title)
    c.setCreator("Digitalakademie")

    # Header: issuer left, logo right, accent rule.
    top = PAGE_H - MARGIN
    logo = _load_logo(style.logo_path)
    if logo is not None:
        iw, ih = logo.getSize()
        h = 18 * mm
        w = min(60 * mm, h * iw / ih if ih else h)
        c.drawImage(logo, PAGE_W - MARGIN - w, top - h, w, h, preserveAspectRatio=True, mask="auto")
    c.setFillColorRGB(*DARK)
    c.setFont(bold, 11)
    c.drawString(MARGIN, top - 5 * mm, cert.issuer_name or "")
    c.setStrokeColorRGB(*ACCENT)
    c.setLineWidth(1.5)
    c.line(MARGIN, top - 22 * mm, PAGE_W - MARGIN, top - 22 * mm)

    # Heading, recipient, achievement.
    y = top - 45 * mm
    c.setFillColorRGB(*ACCENT)
    c.setFont(bold, 30)
    c.drawCentredString(PAGE_W / 2, y, heading)
    c.setFillColorRGB(*DARK)
    y -= 22 * mm
    y = _lines(c, cert.recipient_name or "", bold, 24, y, leading=28, max_lines=2)
    y -= 4 * mm
    if programme:
        lead, tail = "hat das Programm", "erfolgreich abgeschlossen."
    else:
        lead, tail = "hat an der Fortbildung", "teilgenommen."
    y = _lines(c, lead, regular, 13, y, leading=20)
    y = _lines(c, f"„{title}“", bold, 16, y, leading=20, max_lines=3)
    y = _lines(c, tail, regular, 13, y, leading=20)

    y -= 4 * mm
    facts = []
    if cert.started_on and cert.started_on != cert.completed_on:
        facts.append(f"Zeitraum: {german_date(cert.started_on)} – {german_date(cert.completed_on)}")
    else:
        facts.append(f"Abgeschlossen am {german_date(cert.completed_on)}")
    if cert.ue:
        facts.append(f"Umfang: {cert.ue} UE (Unterrichtseinheiten à 45 Minuten)")
    if cert.valid_until:
        facts.append(f"Gültig bis {german_date(cert.valid_until)}")
    c.setFillColorRGB(*GREY)
    for fact in facts:
        y = _lines(c, fact, regular, 11, y, leading=15)

    if cert.description:
        y -= 3 * mm
        y = _lines(
            c, cert.description, regular, 9.5, y, leading=12, max_lines=MAX_DESCRIPTION_LINES
        )

    # Competences table.
    if comps:
        y -= 6 * mm
        c.setFillColorRGB(*DARK)
        c.setFont(bold, 11)
        c.drawString(MARGIN, y, "Erworbene Kompetenzen")
        y -= 7 * mm
        col_code, col_level = MARGIN + 2 * mm, PAGE_W - MARGIN - 2 * mm
        col_name = MARGIN + 30 * mm
        level_w = max(pdfmetrics.stringWidth(row[2], regular, 9.5) for row in comps)
        name_w = col_level - max(20 * mm, level_w + 6 * mm) - col_name
        c.setFont(bold, 9.5)
        c.drawString(col_code, y, "Code")
        c.drawString(col_name, y, "Kompetenz")
        c.drawRightString(col_level, y, "Niveau")
        c.setStrokeColorRGB(*DARK)
        c.setLineWidth(0.6)
        c.line(MARGIN, y - 2.5, PAGE_W - MARGIN, y - 2.5)
        c.setLineWidth(0.3)
        c.setStrokeColorRGB(0.75, 0.75, 0.75)
        c.setFont(regular, 9.5)
        room = int((y - SIG_Y - 24 * mm) / (5.2 * mm))
        shown = comps[: max(1, min(MAX_COMPETENCES, room - (1 if room < len(comps) else 0)))]
        for code, name, level in shown:
            y -= 5.2 * mm
            name_lines = simpleSplit(name, regular, 9.5, name_w) or [""]
            c.drawString(col_code, y, code)
            c.drawString(col_name, y, name_lines[0] + (" …" if len(name_lines) > 1 else ""))
            c.drawRightString(col_level, y, level)
            c.line(MARGIN, y - 2.5, PAGE_W - MARGIN, y - 2.5)
        if len(comps) > len(shown):
            y -= 5.2 * mm
            c.drawString(col_name, y, f"… und {len(comps) - len(shown)} weitere")

    # Place and date of issue, then the signature lines.
    sig_y = SIG_Y
    c.setFillColorRGB(*DARK)
    c.setFont(regular, 10)
    c.drawString(MARGIN, sig_y + 14 * mm, issue_line(cert, style.place))
    sigs = style.signatories[:3]
    slot = TEXT_W / max(len(sigs), 1)
    c.setStrokeColorRGB(*DARK)
    c.setLineWidth(0.6)
    for i, (name, role) in enumerate(sigs):
        x0 = MARGIN + i * slot
        x1 = x0 + min(slot - 8 * mm, 70 * mm)
        cx = (x0 + x1) / 2
        c.line(x0, sig_y, x1, sig_y)
        c.setFillColorRGB(*DARK)
        yy = sig_y - 5 * mm
        if name:
            c.setFont(regular, 10)
            c.drawCentredString(cx, yy, name)
            yy -= 4.5 * mm
        c.setFillColorRGB(*GREY)
        c.setFont(regular, 9)
        c.drawCentredString(cx, yy, role)

    # Footer: serial and code left, QR with URL right.
    qr_size = 32 * mm
    qr_x = PAGE_W - MARGIN - qr_size
    qr_y = 20 * mm
    _draw_qr(c, verify_url, qr_x, qr_y, qr_size)
    c.setFillColorRGB(*GREY)
    url_lines = _char_wrap(verify_url, regular, 6.5, TEXT_W)[:3]
    c.setFont(regular, 6.5)
    uy = qr_y - 1 * mm
    for line in url_lines:
        c.drawRightString(PAGE_W - MARGIN, uy, line)
        uy -= 8
    c.setFillColorRGB(*DARK)
    c.setFont(regular, 9)
    fy = qr_y + 22 * mm
    c.drawString(MARGIN, fy, f"Seriennummer: {cert.serial}")
    c.drawString(MARGIN, fy - 5 * mm, f"Prüfcode: {cert.code}")
    c.setFillColorRGB(*GREY)
    c.setFont(regular, 8)
    c.drawString(MARGIN, fy - 11 * mm, "Die Echtheit dieser Bescheinigung kann über den")
    c.drawString(MARGIN, fy - 15 * mm, "QR-Code oder die nebenstehende Adresse geprüft werden.")

    c.showPage()
    _save_binary(c)
    return buf.getvalue()


def _save_binary(c: Canvas) -> None:
    """Save with zlib-compressed streams but without ASCII85 on top: ReportLab's pure
    Python ASCII85 encoder (without the optional C accelerator) was a third of the time,
    and binary streams are 20 % smaller. ``rl_config.useA85`` is only read while the
    streams are written, so it is switched off just for this save; a concurrent save in
    another thread would at worst also write binary streams, which is equally valid."""
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        c.save()
    finally:
        rl_config.useA85 = previous
