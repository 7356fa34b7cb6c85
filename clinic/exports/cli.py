"""`flask --app clinic import-clinic <zip>`: a clinic export read back into an empty database."""

from pathlib import Path

import click
from flask import Blueprint

from .importer import ImportFailed, import_clinic

bp = Blueprint("exports_cli", __name__, cli_group=None)


@bp.cli.command("import-clinic")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_clinic_command(path: Path) -> None:
    """Import a clinic export (the owner's ZIP) into this empty database, ids and hashes kept.

    Staff accounts come without passwords: set one with `flask --app clinic reset-password EMAIL`.
    """
    try:
        result = import_clinic(path)
    except ImportFailed as error:
        raise click.ClickException(f"{error} Nothing was imported.") from None
    total = sum(result["counts"].values())
    click.echo(f"Imported {total} records from {path.name}:")
    for name, count in result["counts"].items():
        click.echo(f"  {name}: {count}")
    click.echo(f"Every signed note's hash matches ({result['signed_notes_checked']} checked).")
    click.echo("Staff have no password yet: flask --app clinic reset-password EMAIL")
