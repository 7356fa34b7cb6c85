"""Command-line tools: `flask --app clinic <command>`."""

import sys
from pathlib import Path

import click
from flask import Blueprint, current_app
from sqlalchemy import select

from .auth import services as accounts
from .extensions import db
from .models import Clinic, Role
from .storage.backup import BackupError, backup, restore

bp = Blueprint("cli", __name__, cli_group=None)


def _fail(message: str) -> None:
    raise click.ClickException(message)


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline().rstrip("\n")
    if not line:
        _fail("No password on standard input.")
    return line


@bp.cli.command("create-clinic")
@click.argument("name")
@click.option("--timezone", default="UTC", show_default=True, help="IANA time zone, e.g. Europe/London.")
def create_clinic_command(name: str, timezone: str) -> None:
    """Create a clinic."""
    try:
        clinic = accounts.create_clinic(name, timezone)
    except accounts.AccountError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"Created clinic {clinic.name!r} (id {clinic.id}, time zone {clinic.timezone}).")


@bp.cli.command("create-user")
@click.argument("email")
@click.option("--clinic", "clinic_name", required=True, help="The clinic's name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", required=True, help="The person's full name.")
def create_user_command(email: str, clinic_name: str, role: str, name: str) -> None:
    """Create a user. The password is prompted for, or read from standard input."""
    clinic = db.session.scalar(select(Clinic).where(Clinic.name == clinic_name))
    if clinic is None:
        _fail(f"No clinic named {clinic_name!r}. Create it with: flask --app clinic create-clinic NAME")
    password = _read_password()
    try:
        user = accounts.create_user(clinic, email, name, role, password)
    except accounts.AccountError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"Created {role} {user.email} in {clinic.name!r}.")


@bp.cli.command("demo")
@click.option("--clients", default=40, show_default=True, type=click.IntRange(1, 50_000))
@click.option("--if-new", is_flag=True, help="Only load when the database has no clinic yet.")
def demo_command(clients: int, if_new: bool) -> None:
    """Load a realistic demo clinic (idempotent). Refused outside debug and testing."""
    from .demo import DEMO_PASSWORD, load_demo

    if not (current_app.debug or current_app.testing):
        _fail("The demo clinic is for local trials only; it is refused under production config.")
    from .demo import DEMO_CLINIC

    has_data = db.session.scalar(select(Clinic.id).limit(1)) is not None
    has_demo = db.session.scalar(select(Clinic.id).where(Clinic.name == DEMO_CLINIC)) is not None
    if if_new and has_data and not has_demo:
        click.echo("The database has clinics of its own: no demo loaded.")
        return
    summary = load_demo(clients=clients)
    db.session.commit()
    counts = ", ".join(
        f"{value} {key.replace('_', ' ')}"
        for key, value in summary.items()
        if key not in ("clinic", "logins")
    )
    click.echo(f"Demo clinic {summary['clinic']!r}{': ' + counts if counts else ''}.")
    click.echo(f"Log in with one of these (password {DEMO_PASSWORD}):")
    for email, role in summary["logins"]:
        click.echo(f"  {role:<10} {email}")


@bp.cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a consistent copy of the live database to PATH."""
    try:
        target = backup(db.engine, path)
    except BackupError as error:
        _fail(str(error))
    click.echo(f"Backup written to {target}.")


@bp.cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database with the backup at PATH (stop the app first)."""
    if not yes and not click.confirm(f"Replace every record with the backup {path}?"):
        _fail("Restore cancelled.")
    try:
        restore(db.engine, path)
    except BackupError as error:
        _fail(str(error))
    click.echo(f"Restored from {path}.")


@bp.cli.command("worker")
@click.option("--threads", default=2, show_default=True, help="Messages sent at once by this worker.")
@click.option("--once", is_flag=True, help="One pass (due reminders, queued messages), then stop.")
@click.option("--no-periodic", is_flag=True, help="Leave the minute's pass to another worker.")
def worker_command(threads: int, once: bool, no_periodic: bool) -> None:
    """Deliver messages: confirmations, reminders, links (the task queue's consumer)."""
    from .messages.queue import queue_for

    queue = queue_for(current_app._get_current_object())
    if once:
        queue.tick()
        click.echo(f"Ran {queue.run_pending()} task(s).")
        return
    backend = "Redis" if current_app.config.get("REDIS_URL") else queue.huey.storage.filename
    click.echo(f"Knotwork worker: {threads} thread(s), queue on {backend}. Ctrl+C stops it.")
    queue.huey.create_consumer(workers=threads, periodic=not no_periodic, worker_type="thread").run()


@bp.cli.command("reset-password")
@click.argument("email")
def reset_password_command(email: str) -> None:
    """Set a new password for an account (the server operator's way back in); its sessions end.

    The password is prompted for, or read from standard input.
    """
    from . import audit

    user = accounts.find_user_by_email(email)
    if user is None:
        _fail(f"No account with the address {email!r}.")
    password = _read_password()
    try:
        accounts.set_password_by_owner(user, password)
    except accounts.AccountError as error:
        _fail(str(error))
    audit.record(
        "user.password_set", object_type="user", object_id=user.id, user=None, clinic_id=user.clinic_id
    )
    db.session.commit()
    click.echo(f"New password set for {user.email}; every session of the account has ended.")
