"""Benchmark: certificate PDFs per second against a bare ReportLab page, in the same run.

    .venv/bin/python -m bench.certificates             # batch of 500
    .venv/bin/python -m bench.certificates --count 200

Renders a batch of in-memory ``Certificate`` objects (no database) with
``reports.certificates.pdf.certificate_pdf`` and, as the baseline, the same text lines on a bare A4
page in Helvetica without layout, table or QR code (``bare_pdf`` below). Printed:
both rates, their ratio (target ≥ 25 %) and the average PDF size. Figures to read, not a
test.
"""

from __future__ import annotations

import argparse
import io
import random
import time
from collections.abc import Callable
from datetime import date, timedelta

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from reports.certificates.models import Certificate
from reports.certificates.pdf import MARGIN, PAGE_H, IssuerStyle, certificate_pdf, german_date

FIRST = ["Jürgen", "Anna", "Sören", "Zoë", "Mehmet", "Käthe", "Björn", "Leonie", "Ömer", "Jörg"]
LAST = ["Weiß-Öztürk", "Müller", "Groß", "Schäfer", "Yılmaz", "Krämer", "Fuß", "Nowak", "Heß"]
TITLES = [
    "Agile Methoden: Scrum und Kanban in der Verwaltung",
    "Hybrides Projektmanagement",
    "Design Thinking für Bürgerdienste",
    "Datenkompetenz: Auswertungen mit Tabellen und Diagrammen",
    "IT-Sicherheit am Arbeitsplatz",
    "E-Akte und Dokumentenmanagement",
    "Onlinezugangsgesetz (OZG) praktisch umsetzen",
]
COMPETENCES = [
    ("FD-AG-1", "Agile Methoden anwenden"),
    ("FD-PM-2", "Projekte hybrid steuern"),
    ("DC-1.1", "Daten, Informationen und digitale Inhalte durchsuchen"),
    ("DC-2.4", "Zusammenarbeit mithilfe digitaler Technologien"),
    ("DC-4.1", "Geräte schützen"),
    ("FD-UX-1", "Nutzerzentriert gestalten"),
]


def make_certificates(count: int, seed: int = 1) -> list[Certificate]:
    rnd = random.Random(seed)
    certs = []
    for i in range(count):
        completed = date(2026, 1, 1) + timedelta(days=rnd.randrange(300))
        comps = rnd.sample(COMPETENCES, rnd.randint(1, 4))
        code = "-".join(
            "".join(rnd.choices("ABCDEFGHJKMNPQRSTVWXYZ23456789", k=4)) for _ in range(5)
        )
        certs.append(
            Certificate(
                recipient_name=f"{rnd.choice(FIRST)} {rnd.choice(LAST)}",
                title=rnd.choice(TITLES),
                description="Grundlagen, Methoden und Übungen für den Arbeitsalltag im Team.",
                ue=rnd.choice([4, 8, 16, 24]),
                started_on=completed - timedelta(days=rnd.randint(0, 3)),
                completed_on=completed,
                competences=[
                    {"code": c, "name_de": n, "name_en": "", "level": rnd.randint(1, 4)}
                    for c, n in comps
                ],
                issuer_name="Stadt Musterstadt – Personalentwicklung",
                serial=f"2026-{i + 1:05d}",
                code=code,
                kind="programme" if i % 10 == 0 else "course",
                valid_until=None,
            )
        )
    return certs


def verify_url(cert: Certificate) -> str:
    return f"https://akademie.example.de/zertifikate/pruefen/{cert.code}"


def same_text(cert: Certificate) -> list[str]:
    """The certificate's text lines, for the baseline page."""
    lines = [
        cert.issuer_name,
        "Teilnahmebescheinigung",
        cert.recipient_name,
        "hat an der Fortbildung",
        cert.title,
        "teilgenommen.",
        f"Zeitraum: {german_date(cert.started_on)} – {german_date(cert.completed_on)}",
        f"Umfang: {cert.ue} UE",
        cert.description or "",
        "Erworbene Kompetenzen",
    ]
    lines += [f"{c['code']}  {c['name_de']}  {c['level']}" for c in cert.competences]
    lines += ["Personalentwicklung", f"Seriennummer: {cert.serial}", f"Prüfcode: {cert.code}"]
    lines.append(verify_url(cert))
    return lines


def bare_pdf(lines: list[str]) -> bytes:
    """Baseline for the benchmark: one A4 page with the given lines in Helvetica."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1)
    c.setFont("Helvetica", 11)
    y = PAGE_H - MARGIN
    for line in lines:
        c.drawString(MARGIN, y, line)
        y -= 14
    c.showPage()
    c.save()
    return buf.getvalue()


def run(certs: list[Certificate], render: Callable[[Certificate], bytes]) -> tuple[float, float]:
    """Returns (certificates per second, average size in bytes)."""
    for cert in certs[:10]:  # warm-up (font metrics, imports)
        render(cert)
    total = 0
    start = time.perf_counter()
    for cert in certs:
        total += len(render(cert))
    elapsed = time.perf_counter() - start
    return len(certs) / elapsed, total / len(certs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    certs = make_certificates(args.count)
    style = IssuerStyle()

    full_rate, full_size = run(
        certs, lambda c: certificate_pdf(c, verify_url=verify_url(c), issuer=style)
    )
    base_rate, base_size = run(certs, lambda c: bare_pdf(same_text(c)))
    ratio = full_rate / base_rate
    print(f"batch of {len(certs)} certificates")
    print(f"certificate_pdf : {full_rate:8.1f} /s   avg {full_size / 1024:5.1f} KB")
    print(f"bare page       : {base_rate:8.1f} /s   avg {base_size / 1024:5.1f} KB")
    status = "ok" if ratio >= 0.25 else "BELOW TARGET"
    print(f"ratio           : {ratio:8.1%}   (target ≥ 25 %: {status})")


if __name__ == "__main__":
    main()
