"""A real OpenLDAP server for the directory-login tests: Debian's slapd, started by the test
session on a free loopback port with a configuration of its own in a temporary folder (no
system service, nothing outside that folder). ``scripts/test-services.sh`` installs slapd.

The directory ``dc=stadt,dc=example``: people under ``ou=people`` (loaded with slapadd
before the start), groups under ``ou=groups`` (added over LDAP afterwards, so that the
memberof overlay gives every person their ``memberOf``), a service account for the
search, and StartTLS with a certificate of a CA made for the session.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path

import ldap
import ldap.modlist
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
BASE = "dc=stadt,dc=example"
ADMIN_DN = f"cn=admin,{BASE}"
ADMIN_PASSWORD = "slapd-admin-secret"
READER_DN = f"cn=reader,ou=services,{BASE}"
READER_PASSWORD = "reader-secret"
PEOPLE = f"ou=people,{BASE}"
GROUPS = f"ou=groups,{BASE}"


@dataclass(frozen=True)
class Person:
    uid: str
    password: str
    given: str
    family: str
    personnel_no: str | None = None
    mail: str | None = None

    @property
    def dn(self) -> str:
        return f"uid={self.uid},{PEOPLE}"


#: The people of the test directory (their personnel records are made by the tests).
DIRECTORY_PEOPLE = (
    Person(
        "anna.schmidt",
        "Anna-Passwort-2024",
        "Anna",
        "Schmidt",
        "P1001",
        "anna.schmidt@stadt.example",
    ),
    Person(
        "dora.berger", "Dora-Passwort-2024", "Dora", "Berger", "P1002", "dora.berger@stadt.example"
    ),
    Person(
        "bernd.klein", "Bernd-Passwort-2024", "Bernd", "Klein", None, "bernd.klein@stadt.example"
    ),
    Person(
        "carla.fremd", "Carla-Passwort-2024", "Carla", "Fremd", "P9999", "carla.fremd@stadt.example"
    ),
    Person("emil.vogt", "Emil-Passwort-2024", "Emil", "Vogt", "P1003", "emil.vogt@stadt.example"),
)

#: Groups (cn under ou=groups) and their members' uids.
DIRECTORY_GROUPS = {
    "pe": ("dora.berger",),
    "it-admins": ("emil.vogt",),
    "alle": ("anna.schmidt", "dora.berger", "bernd.klein", "carla.fremd", "emil.vogt"),
}


def group_dn(cn: str) -> str:
    return f"cn={cn},{GROUPS}"


@dataclass(frozen=True)
class Slapd:
    url: str
    ca_file: str

    def admin(self) -> object:
        conn = ldap.initialize(self.url)
        conn.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
        return conn

    def set_members(self, cn: str, uids: tuple[str, ...]) -> None:
        """Replace a group's members (the overlay updates ``memberOf``)."""
        conn = self.admin()
        try:
            members = [f"uid={u},{PEOPLE}".encode() for u in uids] or [ADMIN_DN.encode()]
            conn.modify_s(group_dn(cn), [(ldap.MOD_REPLACE, "member", members)])
        finally:
            conn.unbind_s()


def _ssha(password: str) -> str:
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode() + salt).digest()  # noqa: S324 - slapd's {SSHA}
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for 127.0.0.1 signed by it (PEM files)."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test-CA Digitalakademie")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ip_address("127.0.0.1"))]), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    return ca_file, cert_file, key_file


def _config(folder: Path, cert: Path, key: Path, ca: Path) -> Path:
    schema = Path("/etc/ldap/schema")
    includes = "\n".join(
        f"include {schema / name}.schema" for name in ("core", "cosine", "inetorgperson", "nis")
    )
    conf = folder / "slapd.conf"
    conf.write_text(
        f"""{includes}
pidfile {folder}/slapd.pid
argsfile {folder}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
TLSCACertificateFile {ca}
TLSCertificateFile {cert}
TLSCertificateKeyFile {key}

database mdb
maxsize 10485760
suffix "{BASE}"
rootdn "{ADMIN_DN}"
rootpw {ADMIN_PASSWORD}
directory {folder}/data
overlay memberof
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
""",
        encoding="utf-8",
    )
    (folder / "data").mkdir()
    return conf


def _people_ldif() -> str:
    blocks = [
        f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: stadt\no: Stadt\n",
        f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups\n",
        f"dn: ou=services,{BASE}\nobjectClass: organizationalUnit\nou: services\n",
        f"dn: {READER_DN}\nobjectClass: simpleSecurityObject\nobjectClass: organizationalRole\n"
        f"cn: reader\nuserPassword: {_ssha(READER_PASSWORD)}\n",
    ]
    for p in DIRECTORY_PEOPLE:
        lines = [
            f"dn: {p.dn}",
            "objectClass: inetOrgPerson",
            f"uid: {p.uid}",
            f"cn: {p.given} {p.family}",
            f"sn: {p.family}",
            f"givenName: {p.given}",
            f"displayName: {p.given} {p.family}",
            f"userPassword: {_ssha(p.password)}",
        ]
        if p.personnel_no:
            lines.append(f"employeeNumber: {p.personnel_no}")
        if p.mail:
            lines.append(f"mail: {p.mail}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], deadline: float) -> None:
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"slapd ended at once (exit code {process.returncode})")
        try:
            conn = ldap.initialize(url)
            conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 1)
            conn.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
            conn.unbind_s()
            return
        except ldap.LDAPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _add_groups(url: str) -> None:
    conn = ldap.initialize(url)
    conn.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
    try:
        for cn, uids in DIRECTORY_GROUPS.items():
            entry = {
                "objectClass": [b"groupOfNames"],
                "cn": [cn.encode()],
                "member": [f"uid={u},{PEOPLE}".encode() for u in uids],
            }
            conn.add_s(group_dn(cn), ldap.modlist.addModlist(entry))
    finally:
        conn.unbind_s()


@contextlib.contextmanager
def running_slapd(folder: Path) -> Iterator[Slapd]:
    """slapd on a free loopback port, its files in ``folder``; stopped afterwards."""
    if not Path(SLAPD).is_file():
        raise RuntimeError(
            "Debian's slapd is missing: run `bash scripts/test-services.sh` (installs slapd "
            "and ldap-utils)."
        )
    ca, cert, key = _certificates(folder)
    conf = _config(folder, cert, key, ca)
    ldif = folder / "people.ldif"
    ldif.write_text(_people_ldif(), encoding="utf-8")
    subprocess.run(
        [SLAPADD, "-q", "-f", str(conf), "-l", str(ldif)], check=True, capture_output=True
    )
    port = _free_port()
    url = f"ldap://127.0.0.1:{port}"
    log = (folder / "slapd.log").open("wb")
    # -d keeps slapd in the foreground (a child of this process, never a daemon).
    process = subprocess.Popen(
        [SLAPD, "-f", str(conf), "-h", f"{url}/", "-d", "0"], stdout=log, stderr=log
    )
    try:
        _wait_until_ready(url, process, time.monotonic() + 20)
        _add_groups(url)
        yield Slapd(url=url, ca_file=str(ca))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
