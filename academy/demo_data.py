"""Data for the demo city administration "Stadtverwaltung Musterstadt" (data only).

Everything here is German content on purpose: department names, job titles and
people's names are data, not interface text. Lists of names are ordered by how common
they are (the generator weights them by rank). ``academy.demo`` turns this into rows.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class DepartmentSpec(NamedTuple):
    code: str
    name: str
    parent: str | None  #: code of the parent; parents come before their children
    weight: float  #: relative head count (direct members)
    profile: str  #: key of ``PROFILES``: which jobs the members do


class Profile(NamedTuple):
    female_share: float
    roles: tuple[tuple[str, float], ...]  #: (job role code, weight)


#: Dezernate → Ämter (KGSt numbering) → Abteilungen; 43 units.
DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec("DEZ-I", "Dezernat I – Oberbürgermeister", None, 5, "office"),
    DepartmentSpec("11", "Personal- und Organisationsamt", "DEZ-I", 4, "admin"),
    DepartmentSpec("11.1", "Abteilung Personalservice", "11", 30, "hr"),
    DepartmentSpec("11.2", "Abteilung Personalentwicklung und Ausbildung", "11", 18, "hr"),
    DepartmentSpec("11.3", "Abteilung Organisation und Prozessmanagement", "11", 10, "org"),
    DepartmentSpec("12", "Amt für Digitalisierung und IT", "DEZ-I", 5, "digital"),
    DepartmentSpec("12.1", "Abteilung IT-Betrieb und Infrastruktur", "12", 40, "it"),
    DepartmentSpec("12.2", "Abteilung Digitale Services und E-Government", "12", 25, "digital"),
    DepartmentSpec("12.3", "Abteilung Daten und Informationssicherheit", "12", 12, "data"),
    DepartmentSpec("14", "Rechnungsprüfungsamt", "DEZ-I", 12, "audit"),
    DepartmentSpec(
        "DEZ-II", "Dezernat II – Finanzen, Wirtschaft und Liegenschaften", None, 4, "office"
    ),
    DepartmentSpec("20", "Stadtkämmerei", "DEZ-II", 4, "finance"),
    DepartmentSpec("20.1", "Abteilung Haushalt und Controlling", "20", 25, "finance"),
    DepartmentSpec("20.2", "Stadtkasse", "20", 30, "finance"),
    DepartmentSpec("20.3", "Abteilung Steuern und Abgaben", "20", 28, "finance"),
    DepartmentSpec("23", "Liegenschaftsamt", "DEZ-II", 22, "build"),
    DepartmentSpec("DEZ-III", "Dezernat III – Recht, Sicherheit und Ordnung", None, 4, "office"),
    DepartmentSpec("30", "Rechtsamt", "DEZ-III", 15, "law"),
    DepartmentSpec("32", "Amt für Öffentliche Ordnung", "DEZ-III", 6, "public"),
    DepartmentSpec("32.1", "Abteilung Gewerbe und Gaststätten", "32", 25, "public"),
    DepartmentSpec("32.2", "Ausländerbehörde", "32", 45, "public"),
    DepartmentSpec("32.3", "Kommunaler Ordnungsdienst", "32", 40, "patrol"),
    DepartmentSpec("33", "Bürgeramt", "DEZ-III", 6, "public"),
    DepartmentSpec("33.1", "Bürgerbüro Mitte", "33", 40, "public"),
    DepartmentSpec("33.2", "Bürgerbüro Süd", "33", 25, "public"),
    DepartmentSpec("33.3", "Standesamt", "33", 20, "public"),
    DepartmentSpec("36", "Straßenverkehrsamt", "DEZ-III", 6, "public"),
    DepartmentSpec("36.1", "Kfz-Zulassungsstelle", "36", 35, "public"),
    DepartmentSpec("36.2", "Fahrerlaubnisbehörde und Bußgeldstelle", "36", 30, "public"),
    DepartmentSpec("37", "Feuerwehr", "DEZ-III", 300, "fire"),
    DepartmentSpec(
        "DEZ-IV", "Dezernat IV – Jugend, Soziales, Schule und Gesundheit", None, 4, "office"
    ),
    DepartmentSpec("40", "Schulverwaltungsamt", "DEZ-IV", 60, "school"),
    DepartmentSpec("50", "Amt für Soziales und Wohnen", "DEZ-IV", 120, "public"),
    DepartmentSpec("51", "Jugendamt", "DEZ-IV", 6, "social"),
    DepartmentSpec("51.1", "Allgemeiner Sozialer Dienst", "51", 90, "social"),
    DepartmentSpec("51.2", "Abteilung Kindertagesbetreuung", "51", 450, "kita"),
    DepartmentSpec("51.3", "Wirtschaftliche Jugendhilfe", "51", 40, "public"),
    DepartmentSpec("53", "Gesundheitsamt", "DEZ-IV", 80, "health"),
    DepartmentSpec("DEZ-V", "Dezernat V – Bauen, Umwelt und Mobilität", None, 4, "office"),
    DepartmentSpec("61", "Stadtplanungsamt", "DEZ-V", 55, "build"),
    DepartmentSpec("63", "Bauordnungsamt", "DEZ-V", 50, "build"),
    DepartmentSpec("66", "Tiefbauamt", "DEZ-V", 130, "build"),
    DepartmentSpec("67", "Grünflächenamt", "DEZ-V", 150, "green"),
)

#: (code, title). Leadership roles by tree level are in ``HEAD_ROLES``.
JOB_ROLES: tuple[tuple[str, str], ...] = (
    ("BGO", "Beigeordnete/r (Dezernatsleitung)"),
    ("AMTL", "Amtsleitung"),
    ("ABTL", "Abteilungsleitung"),
    ("TL", "Teamleitung"),
    ("SB", "Sachbearbeitung"),
    ("VFA", "Verwaltungsfachangestellte/r"),
    ("ASS", "Assistenz und Sekretariat"),
    ("PREF", "Personalreferent/in"),
    ("ITF", "IT-Fachkraft"),
    ("PM", "Projektmanager/in"),
    ("UX", "UX-Designer/in"),
    ("DA", "Datenanalyst/in"),
    ("ISB", "Informationssicherheitsbeauftragte/r"),
    ("JUR", "Jurist/in"),
    ("SOZ", "Sozialarbeiter/in"),
    ("ERZ", "Erzieher/in"),
    ("ING", "Ingenieur/in"),
    ("GAERT", "Gärtner/in"),
    ("FW", "Feuerwehrbeamtin/Feuerwehrbeamter"),
    ("ARZT", "Ärztin/Arzt"),
)

#: Job role of a department's head by tree level (0 = Dezernat).
HEAD_ROLES: tuple[str, ...] = ("BGO", "AMTL", "ABTL")

PROFILES: dict[str, Profile] = {
    "office": Profile(0.6, (("ASS", 45), ("SB", 30), ("PM", 15), ("JUR", 10))),
    "admin": Profile(0.65, (("SB", 50), ("VFA", 25), ("ASS", 10), ("TL", 7), ("PM", 5))),
    "hr": Profile(0.75, (("PREF", 35), ("SB", 30), ("VFA", 17), ("ASS", 6), ("TL", 7), ("PM", 3))),
    "org": Profile(0.55, (("SB", 35), ("PM", 28), ("DA", 8), ("UX", 6), ("VFA", 12), ("TL", 7))),
    "it": Profile(0.3, (("ITF", 62), ("PM", 10), ("SB", 8), ("TL", 8), ("DA", 4), ("ISB", 3))),
    "digital": Profile(
        0.5, (("PM", 30), ("UX", 15), ("ITF", 20), ("SB", 15), ("DA", 8), ("TL", 7))
    ),
    "data": Profile(0.4, (("DA", 35), ("ISB", 25), ("ITF", 20), ("PM", 8), ("SB", 6), ("TL", 5))),
    "audit": Profile(0.5, (("SB", 60), ("ING", 15), ("DA", 10), ("JUR", 5), ("TL", 8))),
    "finance": Profile(0.65, (("SB", 55), ("VFA", 25), ("ASS", 5), ("TL", 8), ("DA", 4))),
    "law": Profile(0.6, (("JUR", 45), ("SB", 30), ("ASS", 15), ("TL", 6))),
    "public": Profile(0.62, (("SB", 47), ("VFA", 35), ("ASS", 5), ("TL", 8))),
    "patrol": Profile(0.35, (("SB", 70), ("VFA", 15), ("TL", 10))),
    "fire": Profile(0.07, (("FW", 95), ("SB", 3), ("ASS", 2))),
    "school": Profile(0.7, (("SB", 35), ("VFA", 30), ("ASS", 25), ("TL", 5), ("PM", 3))),
    "social": Profile(0.75, (("SOZ", 70), ("SB", 15), ("TL", 8), ("ASS", 5))),
    "kita": Profile(0.9, (("ERZ", 88), ("TL", 6), ("ASS", 3), ("SB", 3))),
    "health": Profile(
        0.7, (("SB", 40), ("ARZT", 15), ("VFA", 20), ("ASS", 10), ("TL", 7), ("DA", 3))
    ),
    "build": Profile(0.4, (("ING", 40), ("SB", 30), ("VFA", 12), ("PM", 6), ("TL", 7), ("ASS", 5))),
    "green": Profile(0.25, (("GAERT", 75), ("ING", 8), ("SB", 8), ("TL", 7))),
}

#: Pay per job role: (TVöD groups with weights, share of Beamte, Besoldung groups).
PAY: dict[str, tuple[tuple[tuple[str, float], ...], float, tuple[str, ...]]] = {
    "BGO": ((("E 15", 1),), 0.7, ("A 15",)),
    "AMTL": ((("E 14", 1), ("E 15", 2)), 0.45, ("A 14", "A 15")),
    "ABTL": ((("E 12", 1), ("E 13", 2)), 0.35, ("A 12", "A 13")),
    "TL": ((("E 10", 1), ("E 11", 2)), 0.25, ("A 11", "A 12")),
    "SB": (
        (("E 8", 1), ("E 9a", 2), ("E 9b", 3), ("E 9c", 2), ("E 10", 1)),
        0.18,
        ("A 8", "A 9", "A 10", "A 11"),
    ),
    "VFA": ((("E 5", 1), ("E 6", 3), ("E 8", 2)), 0.08, ("A 6", "A 7")),
    "ASS": ((("E 5", 1), ("E 6", 2)), 0.0, ()),
    "PREF": ((("E 9c", 2), ("E 10", 2), ("E 11", 1)), 0.2, ("A 10", "A 11")),
    "ITF": ((("E 9a", 1), ("E 9b", 2), ("E 9c", 2), ("E 10", 2), ("E 11", 1)), 0.03, ("A 10",)),
    "PM": ((("E 11", 2), ("E 12", 2), ("E 13", 1)), 0.1, ("A 12", "A 13")),
    "UX": ((("E 11", 2), ("E 12", 1)), 0.0, ()),
    "DA": ((("E 11", 1), ("E 12", 2), ("E 13", 1)), 0.0, ()),
    "ISB": ((("E 12", 1), ("E 13", 1)), 0.2, ("A 13",)),
    "JUR": ((("E 13", 3), ("E 14", 1)), 0.5, ("A 13", "A 14")),
    "SOZ": ((("E 10", 2), ("E 11", 1)), 0.0, ()),
    "ERZ": ((("E 8", 2), ("E 9a", 1)), 0.0, ()),
    "ING": ((("E 11", 2), ("E 12", 2), ("E 13", 1)), 0.25, ("A 11", "A 12", "A 13")),
    "GAERT": ((("E 5", 2), ("E 6", 2), ("E 7", 1)), 0.0, ()),
    "FW": ((("E 9a", 1),), 1.0, ("A 7", "A 7", "A 8", "A 8", "A 9", "A 10", "A 11")),
    "ARZT": ((("E 14", 2), ("E 15", 1)), 0.1, ("A 14",)),
}

# fmt: off
# ---------------------------------------------------------------------------
# Names. German first names in two generations (people who joined long ago tend to
# carry the names of their birth years), then families of other backgrounds.
# ---------------------------------------------------------------------------

GERMAN_FEMALE_OLDER = (
    "Sabine", "Petra", "Andrea", "Claudia", "Susanne", "Birgit", "Monika", "Gabriele",
    "Stefanie", "Martina", "Nicole", "Katrin", "Heike", "Karin", "Anja", "Ursula", "Silke",
    "Kerstin", "Tanja", "Sandra", "Daniela", "Jutta", "Bärbel", "Elke", "Renate", "Simone",
    "Christiane", "Manuela", "Ines", "Beate", "Antje", "Britta", "Doris", "Cornelia",
    "Dörte", "Gudrun", "Regina", "Iris", "Astrid", "Margit", "Annegret", "Ingrid",
    "Käthe", "Hildegard", "Uschi", "Rosemarie", "Marlies", "Brigitte", "Ilse", "Gisela",
)
GERMAN_MALE_OLDER = (
    "Thomas", "Andreas", "Michael", "Stefan", "Jürgen", "Frank", "Klaus", "Peter", "Uwe",
    "Wolfgang", "Jörg", "Ralf", "Markus", "Matthias", "Bernd", "Dirk", "Holger", "Rainer",
    "Günter", "Torsten", "Carsten", "Sven", "Björn", "Jens", "Olaf", "Volker", "Heiko",
    "Detlef", "Hans-Peter", "Karl-Heinz", "Rüdiger", "Jörn", "Sören", "Dieter", "Helmut",
    "Lothar", "Norbert", "Reinhard", "Ulrich", "Achim", "Götz", "Hans-Jürgen", "Bernhard",
    "Manfred", "Horst", "Gerd", "Siegfried", "Rolf", "Harald", "Winfried",
)
GERMAN_FEMALE_YOUNGER = (
    "Julia", "Laura", "Lisa", "Anna", "Lena", "Sarah", "Katharina", "Hannah", "Lea", "Jana",
    "Johanna", "Sophie", "Marie", "Franziska", "Vanessa", "Jasmin", "Annika", "Carolin",
    "Nele", "Svenja", "Mareike", "Janina", "Jennifer", "Melanie", "Kristin", "Anna-Lena",
    "Charlotte", "Luisa", "Emma", "Mia", "Michelle", "Theresa", "Paulina", "Friederike",
    "Jule", "Wiebke", "Antonia", "Zoé", "Chloé", "Lea-Sophie", "Maike", "Merle", "Jördis",
    "Frauke", "Lilli", "Greta", "Clara", "Helena", "Ronja", "Lotte",
)
GERMAN_MALE_YOUNGER = (
    "Lukas", "Jonas", "Tim", "Jan", "Niklas", "Felix", "Florian", "Tobias", "Sebastian",
    "Philipp", "Maximilian", "Alexander", "Daniel", "Kevin", "Dennis", "Marcel", "Patrick",
    "Christian", "Moritz", "Leon", "Paul", "Finn", "Jannik", "Malte", "Lars", "Nils",
    "Hendrik", "Ole", "Till", "Benedikt", "Bastian", "René", "André", "Sönke", "Joël",
    "Mirko", "Lennart", "Fabian", "Julian", "Simon", "Mats", "Jannis", "Henrik",
    "Kai", "Timo", "Marvin", "Pascal", "Jakob", "Konstantin", "Lasse",
)
NEUTRAL_FIRST_NAMES = ("Kim", "Alex", "Robin", "Sascha", "Toni", "Jona", "Luca", "Charlie")

GERMAN_SURNAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
    "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
    "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann",
    "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer",
    "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung",
    "Hahn", "Schubert", "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger",
    "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster",
    "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher", "Krämer",
    "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt",
    "Haas", "Schreiber", "Graf", "Schulte", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl",
    "Engel", "Horn", "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold", "Wolff",
    "Pfeiffer", "Lüdtke", "Strauß", "Fuß", "Kößler", "Gärtner", "Löffler", "Nußbaum",
    "Rößler", "Süß", "Brückner", "Dörr", "Jürgens", "Lübke", "Rühl", "Kühne", "Büttner",
    "Schütz", "Fröhlich", "Höfer", "Köster", "Schößler", "Weißenborn", "Mößner",
    "Hübner", "Völker", "Grünewald", "Klöckner", "Wöhler", "Thürmer", "Brückmann",
    "Schüler", "Bär", "Stöcker", "Dreßler", "Nöth", "Rüther", "Hölscher", "Große",
    "Töpfer", "Mühlenbeck", "Sänger", "Böttcher", "Späth", "Fürst", "Schönfeld",
    "Ahrens", "Behrens", "Brinkmann", "Dietz", "Eckert", "Ernst", "Feld", "Giese",
    "Hartung", "Heinze", "Hesse", "Janssen", "Kaufmann", "Kessler", "Kirchner", "Kramer",
    "Kunze", "Lindner", "Marx", "Menzel", "Michels", "Nolte", "Paul", "Petersen", "Ritter",
    "Rudolph", "Schade", "Schilling", "Schlegel", "Schramm", "Seifert", "Stahl", "Thiel",
    "Ulrich", "Vetter", "Wendt", "Wiegand", "Wilke", "Witt", "Zander", "Adler", "Bach",
    "Bode", "Dahl", "Eggers", "Evers", "Fink", "Fritsch", "Gerlach", "Haag", "Hein",
    "Hinz", "Imhof", "Jakobs", "Kern", "Kolb", "Krieger", "Lenz", "Mertens", "Nagel",
    "Oswald", "Pape", "Quast", "Reuter", "Sander", "Scherer", "Sperling", "Steffen",
    "Timm", "Unger", "Wirth", "Ziegenbein", "Hagedorn", "Bruns", "Stolz", "Rausch",
    "Grothe", "Heuer", "Kröger", "Thöne", "Wübbena", "Lührs", "Schönherr", "Blömer",
    "Düring", "Gößling", "Hüsken", "Mühlbauer", "Nüßlein", "Pörschke", "Rößner", "Sürig",
    "Tönnies", "Überall", "Ölschläger", "Äbischer", "Gröger", "Schweißfurth", "Blöß",
    "von Bülow", "von der Heide", "ter Horst", "Meyer zu Erpen", "de Vries", "van Dyk",
)

#: Many German surnames are compounds (Steinhauer, Grünberg, Mühlenkamp): a share of
#: German surnames is built from these parts, so that fewer people share a name.
SURNAME_STEMS = (
    "Stein", "Berg", "Holz", "Wald", "Rosen", "Eich", "Mühl", "Kirch", "Bach", "Grün",
    "Schön", "Neu", "Alt", "Groß", "Klein", "Wein", "Brück", "Brand", "Busch", "Lind",
    "Hassel", "Ried", "Sieg", "Wester", "Oster", "Nieder", "Ober", "Kött", "Hell", "Bürger",
)
SURNAME_ENDINGS = (
    "mann", "er", "berg", "feld", "hoff", "bauer", "meier", "hagen", "kamp", "huber",
    "hauser", "müller", "schmidt", "brink", "haus", "wald", "beck", "hardt",
)


class Origin(NamedTuple):
    """Family background: share of staff, names, and how surnames take a female form."""

    share: float
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]
    female_surname_endings: tuple[tuple[str, str], ...] = ()


#: Backgrounds other than German; the remaining share are German families.
ORIGINS: dict[str, Origin] = {
    "tr": Origin(
        0.075,
        ("Özlem", "Ayşe", "Elif", "Zeynep", "Fatma", "Emine", "Derya", "Songül", "Hülya",
         "Büşra", "Merve", "Esra", "Sevgi", "Gül", "Gülşen", "Yasemin", "Dilek", "Şeyma"),
        ("Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "Murat", "Emre", "Burak",
         "Serkan", "Cem", "Kemal", "Oğuz", "Yusuf", "Can", "Ömer", "Tarık", "Uğur"),
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Özdemir",
         "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan",
         "Şimşek", "Polat", "Güneş", "Aksoy", "Tekin", "Bulut", "Yıldırım", "Erdem"),
    ),
    "pl": Origin(
        0.04,
        ("Agnieszka", "Katarzyna", "Magdalena", "Joanna", "Małgorzata", "Ewa", "Anna",
         "Dorota", "Justyna", "Marta", "Aleksandra", "Beata"),
        ("Piotr", "Krzysztof", "Tomasz", "Paweł", "Marek", "Michał", "Grzegorz", "Łukasz",
         "Wojciech", "Jakub", "Andrzej", "Mateusz"),
        ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
         "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Mazur", "Krawczyk",
         "Piotrowski", "Grabowski", "Pawłowski", "Michalski", "Nowicki", "Jabłoński"),
        (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")),
    ),
    "ru": Origin(
        0.035,
        ("Olga", "Natalia", "Swetlana", "Tatjana", "Irina", "Jelena", "Anastasia", "Xenia",
         "Ljudmila", "Valentina", "Oksana", "Walentina"),
        ("Alexander", "Sergej", "Dmitri", "Andrej", "Wladimir", "Viktor", "Jewgeni", "Igor",
         "Nikolai", "Waldemar", "Eduard", "Artur"),
        ("Klassen", "Janzen", "Friesen", "Wiebe", "Dyck", "Penner", "Neufeld", "Becker",
         "Iwanow", "Petrow", "Kusnezow", "Popow", "Wolkow", "Sokolow", "Lebedew", "Morosow",
         "Schewtschenko", "Bondarenko"),
        (("ow", "owa"), ("ew", "ewa")),
    ),
    "it": Origin(
        0.02,
        ("Giulia", "Francesca", "Chiara", "Sara", "Valentina", "Alessandra", "Elena",
         "Federica"),
        ("Marco", "Giuseppe", "Luca", "Alessandro", "Andrea", "Matteo", "Salvatore",
         "Antonio"),
        ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
         "Marino", "Greco", "Bruno", "De Luca", "Lombardi", "Costa", "D’Angelo"),
    ),
    "hr": Origin(
        0.02,
        ("Ana", "Ivana", "Marija", "Jelena", "Maja", "Snježana", "Mirjana", "Dragana", "Vesna"),
        ("Ivan", "Marko", "Dragan", "Zoran", "Goran", "Milan", "Nikola", "Stjepan", "Željko"),
        ("Kovačević", "Horvat", "Jović", "Petrović", "Marković", "Nikolić", "Babić", "Jurić",
         "Popović", "Đorđević", "Šarić", "Hodžić", "Begić"),
    ),
    "ar": Origin(
        0.02,
        ("Fatima", "Amira", "Leila", "Yasmin", "Nour", "Rania", "Samira", "Aya", "Hiba"),
        ("Mohammed", "Ahmad", "Omar", "Khaled", "Yousef", "Karim", "Tarek", "Samir",
         "Hassan", "Bilal"),
        ("Al-Ahmad", "Haddad", "Khalil", "Nasser", "Saleh", "Hamdan", "Mansour", "Ibrahim",
         "Youssef", "Darwish", "Hussein", "Abdullah", "El-Sayed"),
    ),
    "gr": Origin(
        0.01,
        ("Eleni", "Maria", "Georgia", "Sofia", "Dimitra", "Katerina", "Vasiliki"),
        ("Georgios", "Dimitrios", "Konstantinos", "Nikolaos", "Ioannis", "Christos"),
        ("Papadopoulos", "Georgiou", "Nikolaidis", "Dimitriou", "Christodoulou",
         "Konstantinidis", "Papadakis", "Vlachos", "Oikonomou"),
        (("os", "ou"), ("is", "i")),
    ),
    "es": Origin(
        0.01,
        ("Carmen", "Lucía", "Inés", "Sofía", "Mariana", "Beatriz"),
        ("José", "Javier", "Pablo", "João", "Andrés", "Tomás"),
        ("García", "Fernández", "Martínez", "Rodrigues", "Pereira", "Silva", "Gonçalves",
         "Núñez", "López"),
    ),
    "vn": Origin(
        0.01,
        ("Lan", "Mai", "Linh", "Hoa", "Huong", "Thu Trang", "Ngoc Anh"),
        ("Minh", "Duc", "Tuan", "Hung", "Quang", "Van Long"),
        ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Phan", "Dang"),
    ),
}

#: Letters that Unicode decomposition alone does not turn into ASCII, German style.
ASCII_FOLDING: dict[str, str] = {
    "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss",
    "ı": "i", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "æ": "ae",
    "Æ": "Ae", "œ": "oe", "Œ": "Oe",
}

# fmt: on

MAIL_DOMAIN = "musterstadt.example"

#: Entry dates are spread over these years (and never after ``LATEST_ENTRY``).
FIRST_ENTRY_YEAR = 1985
LATEST_ENTRY = date(2026, 10, 1)
