"""Backup and restore of the database: ``flask academy backup FILE`` and
``flask academy restore FILE`` (SQLite's online backup API; pg_dump/pg_restore)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from academy.backup.cli import backup_command, restore_command
    from academy.cli import academy_cli

    academy_cli.add_command(backup_command)
    academy_cli.add_command(restore_command)
