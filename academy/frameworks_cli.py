"""Placeholder: commands are added to ``academy_cli`` here."""
