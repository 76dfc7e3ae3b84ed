"""The ``kansli`` command (shared/contracts/api.md): serve, worker, extract, generate, user, db."""
from __future__ import annotations

import getpass
import json
import logging
import os
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kansli import audit as trail
from kansli import config, db, users
from kansli.extraction import Refusal, extract
from kansli.generation import GenerationError, render_agreement, render_decision
from kansli.models import AGENCIES, ROLES, User, utcnow
from kansli.users import TOKEN_LIFETIME, UserError, create_user

REFUSED = 3


@click.group()
def main() -> None:
    """Kansli: dokument och blanketter för urbant utvecklingsarbete."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")


def _log_info() -> None:
    """The long-running commands log what happens to each document; the one-shot ones stay quiet."""
    logging.getLogger().setLevel(logging.INFO)


@main.command()
@click.option("--host", envvar="HOST", default="127.0.0.1", show_default=True)
@click.option("--port", envvar="PORT", default=5000, type=int, show_default=True)
@click.option("--workers", envvar="KANSLI_WORKERS", default=2, type=int, show_default=True)
def serve(host: str, port: int, workers: int) -> None:
    """Webbserver, workers och (utan REDIS_URL) en inbyggd Redis."""
    from kansli.supervisor import serve as run

    _log_info()
    settings = config.load(host=host, port=port, workers=workers)
    db.upgrade(settings.database_url)
    with db.session_scope(settings.database_url) as session:
        if not session.scalar(select(func.count()).select_from(User)):
            click.echo("Inga användare finns ännu. Skapa den första administratören med:\n"
                       "  kansli user add NAMN --role admin --no-must-change", err=True)
    run(settings)


@main.command()
@click.option("--count", default=1, type=int, show_default=True, help="Antal workerprocesser.")
def worker(count: int) -> None:
    """Workerprocesser som delar REDIS_URL, DATABASE_URL och datamappen med webbservern."""
    from kansli.supervisor import run_workers

    _log_info()
    run_workers(config.load(), count)


@main.command("extract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def extract_cmd(file: Path) -> None:
    """Läs fälten ur en PDF och skriv dem som JSON."""
    from kansli import budget

    try:  # held to the same budget as in the workers: a bomb ends in a refusal, not in the machine's swap
        result = budget.read(extract, file.read_bytes(), config.load())
    except Refusal as refusal:
        click.echo(json.dumps(refusal.as_dict(), ensure_ascii=False))
        sys.exit(REFUSED)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@main.group()
def generate() -> None:
    """Skapa Word-utkast."""


@generate.command()
@click.option("--fields", "fields_file", required=True, type=click.File("r", encoding="utf-8"),
              help="Stadsdelsplanens fält som JSON (utdata från kansli extract går bra).")
@click.option("--agency", required=True, type=click.Choice(AGENCIES))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--pdf", is_flag=True, help="Skriv även en PDF/A-2b bredvid (kräver LibreOffice).")
def agreement(fields_file: IO[str], agency: str, output: Path, pdf: bool) -> None:
    """En samverkansöverenskommelse från en stadsdelsplans fält."""
    try:
        settings = config.load()
        document = render_agreement(_load_fields(fields_file), agency, settings.templates_dir / "agreement.docx",
                                    settings.agency_areas)
    except GenerationError as exc:
        raise click.ClickException(str(exc)) from None
    output.write_bytes(document)
    click.echo(str(output))
    if pdf:
        for path in _write_pdfs({output.name: document}, output.parent):
            click.echo(str(path))


def _load_fields(fields_file: IO[str]) -> dict:
    """A fields file: the bare fields, or the whole output of ``kansli extract``."""
    try:
        data = json.load(fields_file)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"Fältfilen är ingen giltig JSON (rad {exc.lineno}); rätta filen.") from None
    if not isinstance(data, dict):
        raise click.ClickException("Fältfilen ska innehålla ett JSON-objekt.")
    return data.get("fields", data) if "fields" in data and "kind" in data else data


def _write_pdfs(documents: dict[str, bytes], folder: Path) -> list[Path]:
    from kansli.convert import ConversionError, to_pdf

    settings = config.load()
    try:
        pdfs = to_pdf(documents, settings.data_dir / "libreoffice" / f"cli-{os.getpid()}")
    except ConversionError as exc:
        raise click.ClickException(str(exc)) from None
    written = []
    for name, data in pdfs.items():
        path = folder / (Path(name).stem + ".pdf")
        path.write_bytes(data)
        written.append(path)
    return written


@generate.command()
@click.option("--fields", "fields_file", required=True, type=click.File("r", encoding="utf-8"),
              help="Beslutets fält som JSON (utdata från kansli extract går bra).")
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--pdf", is_flag=True, help="Skriv även PDF/A-2b av varje brev (kräver LibreOffice).")
def decision(fields_file: IO[str], outdir: Path, pdf: bool) -> None:
    """Ett beslutsbrev, plus ett likalydande brev per mottagare i "Likalydande till"."""
    try:
        letters = render_decision(_load_fields(fields_file), config.load().templates_dir / "decision.docx")
    except GenerationError as exc:
        raise click.ClickException(str(exc)) from None
    outdir.mkdir(parents=True, exist_ok=True)
    for name, data in letters:
        (outdir / name).write_bytes(data)
        click.echo(str(outdir / name))
    if pdf:
        for path in _write_pdfs(dict(letters), outdir):
            click.echo(str(path))


@main.group()
def user() -> None:
    """Användare, API-nycklar och inloggningar."""


def _operator() -> str:
    """Who ran the command, for the audit trail: the account on the server."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # a container user without a name
        return f"cli:uid {os.getuid()}"


def _new_password(given: str | None) -> tuple[str, bool]:
    """The password given, else asked twice at a terminal, else the first line of standard input;
    when that is empty, a random one. Returns the password and whether it was made up (and must be shown)."""
    if given is not None:
        return given, False
    if sys.stdin.isatty():
        password = getpass.getpass("Lösenord: ")
        if getpass.getpass("Upprepa lösenordet: ") != password:
            raise click.ClickException("Lösenorden stämmer inte överens.")
        return password, False
    line = sys.stdin.readline().rstrip("\r\n")
    return (line, False) if line else (users.temporary_password(), True)


def _lifetime(days: int) -> timedelta | None:
    return timedelta(days=days) if days > 0 else None


PASSWORD = click.option("--password", envvar="KANSLI_PASSWORD",
                        help="Utan detta: fråga (terminal), läs första raden på standard in, eller slumpa om den är tom.")
MUST_CHANGE = click.option("--must-change/--no-must-change", default=True, show_default=True,
                           help="Användaren måste välja ett eget lösenord vid nästa inloggning, och det här slutar "
                                "gälla efter KANSLI_TEMPORARY_PASSWORD_HOURS. --no-must-change när lösenordet är "
                                "användarens eget (till exempel ens eget konto).")
TOKEN_DAYS = click.option("--days", default=TOKEN_LIFETIME.days, show_default=True, type=click.IntRange(min=0),
                          help="Dagar som API-nyckeln gäller (0: tills den återkallas).")


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES))
@PASSWORD
@MUST_CHANGE
@TOKEN_DAYS
def user_add(name: str, role: str, password: str | None, must_change: bool, days: int) -> None:
    """Skapa en användare, som väljer ett eget lösenord vid första inloggningen; sista raden är användarens
    API-nyckel."""
    settings = config.load()
    db.upgrade(settings.database_url)
    password, generated = _new_password(password)
    try:
        with db.session_scope(settings.database_url) as session:
            created, token = create_user(session, name, role, password, _lifetime(days), must_change=must_change)
            trail.record(session, _operator(), "user_add", f"user {created.name}", role=role,
                         must_change_password=must_change)
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Användaren {created.name} ({role}) är skapad.")
    if must_change:
        click.echo(f"{created.name} måste välja ett eget lösenord vid första inloggningen, inom "
                   f"{settings.temporary_password_hours} timmar.")
    if generated:
        click.echo(f"Lösenord: {password}")
    click.echo(token)


def _change(name: str, action: str, change: Callable[[Session, User], tuple[str, dict[str, Any]]]) -> None:
    """Apply an operator's change to user ``name`` with its audit entry, in one transaction, and say what it did."""
    settings = config.load()
    db.upgrade(settings.database_url)
    try:
        with db.session_scope(settings.database_url) as session:
            found = users.get_user(session, name)
            message, details = change(session, found)
            trail.record(session, _operator(), action, f"user {found.name}", **details)
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(message)


@user.command("list")
def user_list() -> None:
    """Alla användare: roll, om de kan logga in, giltiga API-nycklar och pågående inloggningar."""
    settings = config.load()
    db.upgrade(settings.database_url)
    with db.session_scope(settings.database_url) as session:
        for account in users.accounts(session, users.SessionLimits.of(settings)):
            state = "avstängd" if account.user.disabled_at else "aktiv"
            if users.temporary_expired(account.user, users.temporary_lifetime(settings)):
                state += " (tillfälligt lösenord har slutat gälla)"
            elif account.user.must_change_password:
                state += " (måste välja nytt lösenord)"
            click.echo(f"{account.user.name}\t{account.user.role}\t{state}\t"
                       f"{account.tokens} API-nycklar\t{account.sessions} inloggningar")


@user.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
def user_role(name: str, role: str) -> None:
    """Ge en användare en annan roll; den gäller från nästa begäran, i webbläsaren som med API-nyckel."""
    def change(_session: Session, found: User) -> tuple[str, dict[str, Any]]:
        previous = users.set_role(found, role)
        return f"Användaren {found.name} har nu rollen {role} (förut {previous}).", {"role": role,
                                                                                  "previous_role": previous}

    _change(name, "user_role", change)


@user.command("disable")
@click.argument("name")
def user_disable(name: str) -> None:
    """Stäng av en användare: ingen inloggning, inga API-nycklar; pågående inloggningar avslutas."""
    def change(session: Session, found: User) -> tuple[str, dict[str, Any]]:
        ended = users.disable_user(session, found)
        return f"Användaren {found.name} är avstängd; {ended} inloggningar avslutade.", {"sessions_ended": ended}

    _change(name, "user_disable", change)


@user.command("enable")
@click.argument("name")
def user_enable(name: str) -> None:
    """Låt en avstängd användare logga in och använda sina API-nycklar igen."""
    def change(_session: Session, found: User) -> tuple[str, dict[str, Any]]:
        users.enable_user(found)
        return f"Användaren {found.name} kan logga in igen.", {}

    _change(name, "user_enable", change)


@user.command("password")
@click.argument("name")
@PASSWORD
@MUST_CHANGE
def user_password(name: str, password: str | None, must_change: bool) -> None:
    """Återställ lösenordet; användarens pågående inloggningar avslutas, API-nycklarna gäller som förut."""
    password, generated = _new_password(password)

    def change(session: Session, found: User) -> tuple[str, dict[str, Any]]:
        ended = users.set_password(session, found, password, must_change=must_change)
        shown = f"\nLösenord: {password}" if generated else ""
        then = f"\n{found.name} måste välja ett nytt lösenord vid nästa inloggning." if must_change else ""
        return f"Lösenordet är bytt; {ended} inloggningar avslutade.{then}{shown}", {"sessions_ended": ended}

    _change(name, "password_reset" if must_change else "password", change)


@user.command("token")
@click.argument("name")
@TOKEN_DAYS
def user_token(name: str, days: int) -> None:
    """En ny API-nyckel (sista raden); användarens andra nycklar gäller som förut."""
    def change(session: Session, found: User) -> tuple[str, dict[str, Any]]:
        lifetime = _lifetime(days)
        token = users.issue_token(session, found, lifetime)
        until = f"till {(utcnow() + lifetime):%Y-%m-%d}" if lifetime else "tills den återkallas"
        return f"Ny API-nyckel för {found.name}, gäller {until}:\n{token}", {"days": days or None}

    _change(name, "token", change)


@user.command("revoke")
@click.argument("name")
def user_revoke(name: str) -> None:
    """Återkalla alla användarens API-nycklar."""
    def change(session: Session, found: User) -> tuple[str, dict[str, Any]]:
        revoked = users.revoke_tokens(session, found)
        return f"{revoked} API-nycklar för {found.name} återkallade.", {"tokens_revoked": revoked}

    _change(name, "revoke_tokens", change)


@user.command("logout")
@click.argument("name")
def user_logout(name: str) -> None:
    """Avsluta alla användarens inloggningar (webbläsare); API-nycklarna gäller som förut."""
    def change(session: Session, found: User) -> tuple[str, dict[str, Any]]:
        ended = users.end_sessions(session, found)
        return f"{ended} inloggningar för {found.name} avslutade.", {"sessions_ended": ended}

    _change(name, "end_sessions", change)


@main.command("fixity")
def fixity_cmd() -> None:
    """Räkna om kontrollsummorna för allt arkiverat; status 1 och en lista om något skiljer sig."""
    from kansli import fixity
    from kansli.storage import Store

    settings = config.load()
    db.upgrade(settings.database_url)
    run = fixity.check(settings.database_url, Store(settings.files_dir))
    for failure in run.failures:
        click.echo(failure)
    click.echo(f"{run.checked} filer kontrollerade, {len(run.failures)} avvikelser.")
    sys.exit(1 if run.failures else 0)


@main.group()
def audit() -> None:
    """Granskningsloggen."""


@audit.command()
def verify() -> None:
    """Kontrollera att ingen post i granskningsloggen är ändrad eller borttagen; status 1 annars."""
    settings = config.load()
    db.upgrade(settings.database_url)
    problems = trail.verify(settings.database_url)
    for problem in problems:
        click.echo(problem)
    click.echo("Granskningsloggen är oförändrad." if not problems else f"{len(problems)} fel i granskningsloggen.")
    sys.exit(1 if problems else 0)


@main.group("db")
def db_group() -> None:
    """Databasen."""


@db_group.command()
def upgrade() -> None:
    """Uppgradera databasschemat till senaste version."""
    db.upgrade(config.load().database_url)
    click.echo("Databasen är uppdaterad.")
