"""`flask encryption new-key | status | rotate`: for the server's operator."""

import click
from flask import Blueprint

from ..clock import utcnow
from ..extensions import db
from ..models import EncryptionKeyCheck
from .keyring import new_key_text
from .types import keyring

bp = Blueprint("encryption", __name__, cli_group="encryption")


@bp.cli.command("new-key")
@click.option("--id", "key_id", help="The key's id (default: the date, e.g. 2026-12-07).")
def new_key_command(key_id: str | None) -> None:
    """Print a new key for ENCRYPTION_KEYS (put it first to seal with it, keep the old ones after it)."""
    click.echo(new_key_text(key_id or utcnow().strftime("%Y-%m-%d")))


@bp.cli.command("status")
def status_command() -> None:
    """How many values each key seals, per field, and how many are still plain text."""
    from .rotate import census

    ring = keyring()
    known = list(ring.keys) + [
        key_id
        for key_id in db.session.scalars(db.select(EncryptionKeyCheck.key_id))
        if key_id not in ring.keys
    ]
    click.echo(f"Sealing with: {ring.current or 'nothing (ENCRYPTION_KEYS is empty)'}")
    for field_name, counts in census(known).items():
        shown = ", ".join(f"{name} {count}" for name, count in counts.items() if count)
        click.echo(f"  {field_name}: {shown or 'empty'}")


@bp.cli.command("rotate")
@click.option("--batch-size", default=500, show_default=True, help="Rows per transaction.")
def rotate_command(batch_size: int) -> None:
    """Re-seal every value under the first key of ENCRYPTION_KEYS, while the app runs.

    Restart every app server and worker with the new key first in ENCRYPTION_KEYS (old keys after
    it) before you run this: a server still on the old configuration would go on sealing with the
    old key.
    """
    from .rotate import rotate

    def progress(report) -> None:
        click.echo(f"  batch {report.batches}: {sum(report.resealed.values())} values re-sealed so far")

    report = rotate(batch_size=batch_size, after_batch=progress)
    for field_name, count in sorted(report.resealed.items()):
        click.echo(f"{field_name}: {count} re-sealed with {keyring().current}")
    click.echo(f"Signed notes checked against their signing hash: {report.signed_notes_checked}")
    if report.signed_notes_mismatched:
        raise click.ClickException(
            f"{len(report.signed_notes_mismatched)} signed notes do not match their hash: visits "
            + ", ".join(map(str, report.signed_notes_mismatched[:20]))
        )
    for key_id in report.retired_keys:
        click.echo(f"Key {key_id!r} seals nothing any more: you may remove it from ENCRYPTION_KEYS.")
    if not report.resealed:
        click.echo("Everything was already sealed with the current key.")
