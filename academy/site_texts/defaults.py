"""The shipped German texts of the transparency pages (used while no admin has edited
them). Markdown-lite: ``## `` starts a heading, ``- `` a list item, a blank line a new
paragraph. Placeholders filled in when shown: ``{org_name}``, ``{dpo_contact}``,
``{accessibility_contact}``, ``{retention}`` (the retention periods from the settings),
``{min_group_size}``."""

from __future__ import annotations

PRIVACY = """\
Diese Hinweise erklären nach Art. 13 und 14 DSGVO, welche personenbezogenen Daten die \
Digitalakademie der {org_name} verarbeitet, wozu, wie lange und welche Rechte Sie haben.

## Verantwortliche Stelle

{org_name}. Die Verarbeitung ist in einer Dienstvereinbarung mit dem Personalrat geregelt.

## Datenschutzbeauftragte

{dpo_contact}

## Zwecke und Rechtsgrundlagen

- Organisation der Fortbildung: Kurskatalog, Anmeldungen, Genehmigungen durch die \
Vorgesetzten, Teilnahme, Bescheinigungen (§ 26 BDSG bzw. Landesdatenschutzgesetz in \
Verbindung mit Art. 6 Abs. 1 lit. b und c, Art. 88 DSGVO; Dienstvereinbarung).
- Personalentwicklung: Kompetenzprofile, Selbst- und Fremdeinschätzungen, Nachweise, \
Entwicklungsprogramme und Auswahlverfahren.
- Berichte für Leitungen, Personalentwicklung und Personalrat nur zusammengefasst: Gruppen \
mit weniger als {min_group_size} Personen werden nicht ausgewiesen.
- Sicherheit und Nachvollziehbarkeit: Anmeldungen, Änderungsprotokoll (wer hat was \
geändert) und Zugriffsprotokoll (wer hat Ihre Daten angesehen und wozu).

Eine Leistungs- und Verhaltenskontrolle findet nicht statt; die Daten werden nicht für \
automatisierte Entscheidungen verwendet.

## Welche Daten

- Stammdaten aus der Personalverwaltung: Name, Personalnummer, Organisationseinheit, \
Funktion, Entgelt-/Besoldungsgruppe, Beschäftigungsumfang, Eintrittsdatum, dienstliche \
E-Mail-Adresse.
- Benutzerkonto: Rollen, Sprache, Anmeldezeitpunkte.
- Fortbildung: Anmeldungen und deren Verlauf, Anwesenheit, Ergebnisse, Bescheinigungen.
- Kompetenzen: Einschätzungen (mit der einschätzenden Person), Ziele, Nachweise.
- Programme: Bewerbungen, Bewertungen und Kommentare im Auswahlverfahren, Fortschritt.
- Protokolle: Änderungs- und Zugriffsprotokoll.

## Empfänger

Innerhalb der Verwaltung nur, wer die Daten für seine Aufgabe braucht: Sie selbst, Ihre \
Vorgesetzten (für ihren Bereich), die Personalentwicklung, Trainerinnen und Trainer (für \
ihre Termine), der Personalrat (nur zusammengefasste Zahlen und das Zugriffsprotokoll). \
Eine Übermittlung an Dritte außerhalb der Verwaltung findet nicht statt; die Prüfung einer \
Bescheinigung zeigt nur, was auf der Bescheinigung steht.

## Speicherdauer

{retention}

## Ihre Rechte

- Auskunft (Art. 15 DSGVO): Unter „Mein Konto“ können Sie alle über Sie gespeicherten \
Daten selbst herunterladen; die Personalentwicklung stellt sie auf Wunsch ebenfalls zusammen.
- Berichtigung (Art. 16 DSGVO), Löschung (Art. 17 DSGVO) und Einschränkung der \
Verarbeitung (Art. 18 DSGVO), soweit keine Aufbewahrungspflicht entgegensteht.
- Datenübertragbarkeit (Art. 20 DSGVO): die Auskunft gibt es auch als JSON-Datei.
- Widerspruch (Art. 21 DSGVO) aus Gründen, die sich aus Ihrer besonderen Situation ergeben.
- Beschwerde bei der zuständigen Datenschutzaufsichtsbehörde (Art. 77 DSGVO).

Wenden Sie sich dazu an die Personalentwicklung oder an die Datenschutzbeauftragte.
"""

ACCESSIBILITY = """\
Die {org_name} ist bemüht, die Digitalakademie im Einklang mit den Bestimmungen des \
Behindertengleichstellungsrechts barrierefrei zugänglich zu machen (Barrierefreie-\
Informationstechnik-Verordnung – BITV 2.0, EN 301 549, WCAG 2.1 Stufe AA).

## Stand der Vereinbarkeit mit den Anforderungen

Die Digitalakademie ist mit den Anforderungen weitgehend vereinbar. Jede Seite wird bei \
jeder Änderung automatisiert geprüft (axe-core) und ist vollständig mit der Tastatur \
bedienbar.

## Nicht barrierefreie Inhalte

- Heruntergeladene PDF-Dateien (Bescheinigungen, Berichte) sind noch nicht vollständig \
getaggt; die Inhalte stehen als Webseite oder als CSV-Datei barrierefrei zur Verfügung.
- Diagramme in Berichten: die Werte stehen zusätzlich in einer Tabelle.
- Von Dritten bereitgestellte Kursunterlagen unterliegen nicht der Kontrolle der \
Digitalakademie.

## Erstellung dieser Erklärung

Diese Erklärung wurde auf Grundlage einer Selbstbewertung erstellt und wird bei \
wesentlichen Änderungen, mindestens jährlich, überprüft.

## Feedback und Kontakt

Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen, oder benötigen Sie Inhalte in \
einer anderen Form? Schreiben Sie uns: {accessibility_contact}. Wir antworten innerhalb von \
sechs Wochen.

## Schlichtungsverfahren

Wenn Sie auf Ihre Rückmeldung keine oder keine zufriedenstellende Antwort erhalten, können \
Sie sich an die Schlichtungsstelle nach dem Behindertengleichstellungsgesetz Ihres Landes \
wenden (für Stellen des Bundes: Schlichtungsstelle nach § 16 BGG, \
https://www.schlichtungsstelle-bgg.de). Das Schlichtungsverfahren ist kostenlos; Sie \
brauchen keinen Rechtsbeistand.
"""
