"""Certificate PDF: text (umlauts, ß), German dates, QR code decoding, size, config."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image

from reports.certificates.models import Certificate
from reports.certificates.pdf import IssuerStyle, certificate_pdf

VERIFY_URL = "https://akademie.example.de/zertifikate/pruefen/K7QM-3XPA-9DTR-WV2H-MNBE"

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"

pytestmark = pytest.mark.skipif(
    not (Path(PDFTOTEXT).exists() and Path(PDFTOPPM).exists()),
    reason="poppler-utils missing (scripts/test-services.sh installs it)",
)


def make_cert(**overrides: object) -> Certificate:
    values: dict[str, object] = {
        "recipient_name": "Jürgen Weiß-Öztürk",
        "title": "Agile Methoden: Scrum und Kanban in der Verwaltung",
        "description": "Grundlagen agiler Arbeit, Rollen und Übungen zur Planung im Team.",
        "ue": 16,
        "started_on": date(2026, 3, 2),
        "completed_on": date(2026, 3, 4),
        "competences": [
            {"code": "FD-AG-1", "name_de": "Agile Methoden anwenden", "name_en": "x", "level": 2},
            {"code": "DC-2.4", "name_de": "Zusammenarbeit gestalten", "name_en": "y", "level": 4},
        ],
        "issuer_name": "Stadt Musterstadt – Personalentwicklung",
        "serial": "2026-00042",
        "code": "K7QM-3XPA-9DTR-WV2H-MNBE",
        "kind": "course",
        "valid_until": None,
    }
    values.update(overrides)
    return Certificate(**values)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "cert.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return out.stdout.decode("utf-8")


def decode_qr(pdf: bytes, tmp_path: Path) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp")
    path = tmp_path / "qr.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        [PDFTOPPM, "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
    )
    with Image.open(tmp_path / "page.png") as image:
        return [r.text for r in zxingcpp.read_barcodes(image)]


def test_text_with_umlauts_dates_and_code(tmp_path: Path) -> None:
    pdf = certificate_pdf(make_cert(), verify_url=VERIFY_URL, issuer=IssuerStyle())
    text = pdf_text(pdf, tmp_path)
    assert "Jürgen Weiß-Öztürk" in text
    assert "Agile Methoden: Scrum und Kanban in der Verwaltung" in text
    assert "Teilnahmebescheinigung" in text
    assert "Zertifikat" not in text
    assert "teilgenommen" in text
    assert "K7QM-3XPA-9DTR-WV2H-MNBE" in text
    assert "2026-00042" in text
    assert "02.03.2026" in text
    assert "04.03.2026" in text
    assert "16 UE" in text
    assert "FD-AG-1" in text
    assert "Agile Methoden anwenden" in text
    assert "Stadt Musterstadt – Personalentwicklung" in text
    assert "Personalentwicklung" in text.replace("Stadt Musterstadt – Personalentwicklung", "")


def test_qr_code_decodes_to_verify_url(tmp_path: Path) -> None:
    pdf = certificate_pdf(make_cert(), verify_url=VERIFY_URL, issuer=IssuerStyle())
    assert decode_qr(pdf, tmp_path) == [VERIFY_URL]
    # the URL is also printed (possibly wrapped) below the code
    assert VERIFY_URL in pdf_text(pdf, tmp_path).replace("\n", "")


def test_pdf_is_small(tmp_path: Path) -> None:
    pdf = certificate_pdf(make_cert(), verify_url=VERIFY_URL, issuer=IssuerStyle())
    assert pdf.startswith(b"%PDF")
    assert len(pdf) < 50_000


def test_programme_wording_and_validity(tmp_path: Path) -> None:
    cert = make_cert(
        kind="programme",
        title="Nachwuchsprogramm Digitale Verwaltung",
        valid_until=date(2028, 3, 4),
    )
    text = pdf_text(certificate_pdf(cert, verify_url=VERIFY_URL, issuer=IssuerStyle()), tmp_path)
    assert "Zertifikat" in text
    assert "Teilnahmebescheinigung" not in text
    assert "erfolgreich abgeschlossen" in text
    assert "Gültig bis 04.03.2028" in text


def test_characters_outside_winansi_render(tmp_path: Path) -> None:
    if not Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").exists():
        pytest.skip("fonts-dejavu-core not installed")
    cert = make_cert(recipient_name="Łukasz Şahin-Grüßner")
    pdf = certificate_pdf(cert, verify_url=VERIFY_URL, issuer=IssuerStyle())
    assert "Łukasz Şahin-Grüßner" in pdf_text(pdf, tmp_path)
    assert len(pdf) < 50_000


def test_config_logo_and_signatories(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (10, 80, 140)).save(logo)
    app = Flask(__name__)
    app.config["CERTIFICATE_LOGO"] = str(logo)
    app.config["CERTIFICATE_SIGNATORIES"] = [
        {"name": "Dr. Anna Groß", "title": "Leitung Personalentwicklung"},
        ("Björn Käfer", "Oberbürgermeister"),
    ]
    with app.app_context():
        pdf = certificate_pdf(make_cert(), verify_url=VERIFY_URL)
    text = pdf_text(pdf, tmp_path)
    assert "Dr. Anna Groß" in text
    assert "Leitung Personalentwicklung" in text
    assert "Björn Käfer" in text
    assert b"/Subtype /Image" in pdf
    assert len(pdf) < 50_000


def test_missing_logo_is_skipped(tmp_path: Path) -> None:
    style = IssuerStyle(logo_path=str(tmp_path / "nope.png"))
    pdf = certificate_pdf(make_cert(), verify_url=VERIFY_URL, issuer=style)
    assert b"/Subtype /Image" not in pdf
    assert "Jürgen Weiß-Öztürk" in pdf_text(pdf, tmp_path)


def test_from_config_defaults() -> None:
    style = IssuerStyle.from_config({})
    assert style.logo_path is None
    assert style.signatories == (("", "Personalentwicklung"),)
    assert IssuerStyle.from_config({"CERTIFICATE_SIGNATORIES": ["HR"]}).signatories == (("", "HR"),)


def test_many_competences_do_not_overrun(tmp_path: Path) -> None:
    comps = [
        {"code": f"C-{i}", "name_de": f"Kompetenz Nummer {i}", "name_en": "", "level": 1}
        for i in range(30)
    ]
    pdf = certificate_pdf(make_cert(competences=comps), verify_url=VERIFY_URL, issuer=IssuerStyle())
    text = pdf_text(pdf, tmp_path)
    assert "C-0" in text
    assert "weitere" in text
    assert "C-29" not in text
    assert decode_qr(pdf, tmp_path) == [VERIFY_URL]
