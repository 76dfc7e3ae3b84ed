"""The ``kansli`` command, run as a user runs it: a real process, the installed console script."""
from __future__ import annotations

import json
import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from helpers.office import libreoffice_text
from helpers.pdfs import PLAN, plan_pdf
from helpers.processes import KANSLI
from kansli.db import session_scope
from kansli.models import AuditEntry
from kansli.users import SessionLimits, authenticate, get_user, start_session, user_for_session, user_for_token

pytestmark = pytest.mark.office  # LibreOffice opens or converts what these tests make


def run(*args: str, env_dir: Path, check: bool = False, input: str = "") -> subprocess.CompletedProcess[str]:
    """``input`` is standard input, never a terminal (as under a script or a pipe)."""
    import os

    env = {**os.environ, "KANSLI_DATA_DIR": str(env_dir)}
    env.pop("DATABASE_URL", None)
    env.pop("KANSLI_PASSWORD", None)
    return subprocess.run([KANSLI, *args], capture_output=True, text=True, env=env, timeout=120, check=check,
                          input=input)


def test_extract_prints_the_contract_json(tmp_path: Path) -> None:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(plan_pdf())
    result = run("extract", str(pdf), env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    confidence = printed.pop("confidence")
    assert printed == {"kind": "district_plan", "pages": 1, "fields": PLAN, "warnings": []}
    # the contract's confidence: one number per field; a plan with every field under its label is sure of each
    assert set(confidence) == set(PLAN) and all(0.8 <= c <= 1 for c in confidence.values()), confidence


def test_extract_refusal_exits_3_with_an_error_object(tmp_path: Path) -> None:
    bad = tmp_path / "letter.pdf"
    bad.write_text("Det här är ett brev, ingen PDF.")
    result = run("extract", str(bad), env_dir=tmp_path)
    assert result.returncode == 3
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "not_pdf" and "PDF" in error["message"]


def test_generate_agreement_from_extract_output(tmp_path: Path) -> None:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(plan_pdf())
    fields = tmp_path / "plan.json"
    fields.write_text(run("extract", str(pdf), env_dir=tmp_path, check=True).stdout)
    out = tmp_path / "avtal.docx"
    result = run("generate", "agreement", "--fields", str(fields), "--agency", "Försäkringskassan",
                 "-o", str(out), env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    text = libreoffice_text(out.read_bytes(), tmp_path)
    assert "mellan Försäkringskassan och Botkyrka kommun" in text


def test_generate_with_broken_json_says_what_to_fix(tmp_path: Path) -> None:
    fields = tmp_path / "plan.json"
    fields.write_text("{not json")
    result = run("generate", "agreement", "--fields", str(fields), "--agency", "Polismyndigheten",
                 "-o", str(tmp_path / "x.docx"), env_dir=tmp_path)
    assert result.returncode == 1
    assert "ingen giltig JSON" in result.stderr
    assert not (tmp_path / "x.docx").exists()


def _database(data_dir: Path) -> Any:
    return session_scope(f"sqlite:///{data_dir / 'kansli.db'}")


LIMITS = SessionLimits(timedelta(minutes=30), timedelta(hours=10))


def test_user_add_prints_a_working_token_last(tmp_path: Path) -> None:
    result = run("user", "add", "karin", "--role", "drafter", "--password", "langtlosen", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    with _database(tmp_path) as session:
        user = user_for_token(session, token)
        assert (user.name, user.role) == ("karin", "drafter")


def test_user_add_reads_the_password_from_standard_input(tmp_path: Path) -> None:
    result = run("user", "add", "sara", "--role", "clerk", input="ett-langt-losen\n", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Lösenord:" not in result.stdout  # nothing made up, nothing to show
    with _database(tmp_path) as session:
        assert authenticate(session, "sara", "ett-langt-losen") is not None


def test_user_add_without_any_password_makes_one_up_and_shows_it(tmp_path: Path) -> None:
    result = run("user", "add", "sven", "--role", "clerk", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    password = next(line for line in result.stdout.splitlines() if line.startswith("Lösenord: "))[10:]
    with _database(tmp_path) as session:
        assert authenticate(session, "sven", password) is not None


def test_a_new_user_chooses_a_password_at_first_login_unless_the_operator_says_otherwise(tmp_path: Path) -> None:
    said = run("user", "add", "vera", "--role", "clerk", "--password", "langtlosen", env_dir=tmp_path, check=True).stdout
    assert "vera måste välja ett eget lösenord vid första inloggningen, inom 72 timmar." in said
    said = run("user", "add", "anna", "--role", "admin", "--no-must-change", input="annas-losenord\n",
               env_dir=tmp_path, check=True).stdout
    assert "måste välja" not in said
    with _database(tmp_path) as session:
        assert get_user(session, "vera").must_change_password and not get_user(session, "anna").must_change_password
        trail = session.execute(select(AuditEntry.subject, AuditEntry.details).order_by(AuditEntry.id)).all()
        vera = get_user(session, "vera")
        vera.password_set_at -= timedelta(hours=73)
    assert [tuple(row) for row in trail] == [("user vera", {"role": "clerk", "must_change_password": True}),
                                             ("user anna", {"role": "admin", "must_change_password": False})]
    listed = run("user", "list", env_dir=tmp_path, check=True).stdout.splitlines()
    assert [line.split("\t")[:3] for line in listed] == [["anna", "admin", "aktiv"],
                                                          ["vera", "clerk", "aktiv (tillfälligt lösenord har slutat gälla)"]]


def test_an_operator_disables_enables_and_reissues_access(tmp_path: Path) -> None:
    first = run("user", "add", "olle", "--role", "drafter", "--password", "langtlosen", env_dir=tmp_path,
                check=True).stdout.splitlines()[-1]
    with _database(tmp_path) as session:
        session_id = start_session(session, get_user(session, "olle"), "10.0.0.7", LIMITS)

    second = run("user", "token", "olle", "--days", "7", env_dir=tmp_path, check=True).stdout.splitlines()[-1]
    listed = run("user", "list", env_dir=tmp_path, check=True).stdout
    assert listed.split("\t") == ["olle", "drafter", "aktiv (måste välja nytt lösenord)", "2 API-nycklar",
                                  "1 inloggningar\n"]

    assert "1 inloggningar" in run("user", "disable", "olle", env_dir=tmp_path, check=True).stdout
    with _database(tmp_path) as session:
        assert authenticate(session, "olle", "langtlosen") is None
        assert user_for_token(session, second) is None
        assert user_for_session(session, session_id, LIMITS) is None
    assert "avstängd" in run("user", "list", env_dir=tmp_path, check=True).stdout

    run("user", "enable", "olle", env_dir=tmp_path, check=True)
    assert "2 API-nycklar" in run("user", "revoke", "olle", env_dir=tmp_path, check=True).stdout
    said = run("user", "password", "olle", input="annat-losenord\n", env_dir=tmp_path, check=True).stdout
    assert "olle måste välja ett nytt lösenord vid nästa inloggning." in said and "Lösenord:" not in said
    assert "aktiv (måste välja nytt lösenord)" in run("user", "list", env_dir=tmp_path, check=True).stdout
    with _database(tmp_path) as session:
        assert get_user(session, "olle").must_change_password
        assert user_for_token(session, first) is None and user_for_token(session, second) is None
        assert authenticate(session, "olle", "langtlosen") is None
        assert authenticate(session, "olle", "annat-losenord") is not None
        session_id = start_session(session, get_user(session, "olle"), None, LIMITS)
    assert "1 inloggningar" in run("user", "logout", "olle", env_dir=tmp_path, check=True).stdout
    with _database(tmp_path) as session:
        assert user_for_session(session, session_id, LIMITS) is None
        trail = session.execute(select(AuditEntry.actor, AuditEntry.action).order_by(AuditEntry.id)).all()
    assert [action for _actor, action in trail] == ["user_add", "token", "user_disable", "user_enable", "revoke_tokens",
                                                    "password_reset", "end_sessions"]
    assert all(actor.startswith("cli:") for actor, _action in trail)


def test_an_operator_sets_a_known_password_without_forcing_a_change(tmp_path: Path) -> None:
    run("user", "add", "ulla", "--role", "admin", "--password", "langtlosen", env_dir=tmp_path, check=True)
    said = run("user", "password", "ulla", "--no-must-change", input="mitt-kanda-losen\n", env_dir=tmp_path,
               check=True).stdout
    assert said == "Lösenordet är bytt; 0 inloggningar avslutade.\n"
    generated = run("user", "password", "ulla", env_dir=tmp_path, check=True).stdout  # empty input: made up
    temporary = re.search(r"^Lösenord: (\S+)$", generated, re.M).group(1)
    with _database(tmp_path) as session:
        user = get_user(session, "ulla")
        assert user.must_change_password and authenticate(session, "ulla", temporary) is not None
        trail = session.execute(select(AuditEntry.action, AuditEntry.details).order_by(AuditEntry.id)).all()
    assert [tuple(row) for row in trail[1:]] == [("password", {"sessions_ended": 0}),
                                                  ("password_reset", {"sessions_ended": 0})]


def test_an_operator_changes_a_role(tmp_path: Path) -> None:
    run("user", "add", "nils", "--role", "clerk", "--password", "langtlosen", env_dir=tmp_path, check=True)
    said = run("user", "role", "nils", "registrar", env_dir=tmp_path, check=True).stdout
    assert said == "Användaren nils har nu rollen registrar (förut clerk).\n"
    assert "'chef' is not one of" in run("user", "role", "nils", "chef", env_dir=tmp_path).stderr
    with _database(tmp_path) as session:
        assert get_user(session, "nils").role == "registrar"
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.subject, entry.details) == (
            "user_role", "user nils", {"role": "registrar", "previous_role": "clerk"})


def test_user_commands_name_a_missing_user(tmp_path: Path) -> None:
    result = run("user", "disable", "ingen", env_dir=tmp_path)
    assert result.returncode == 1 and "finns inte" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (("user", "add", "x", "--role", "boss", "--password", "langtlosen"), "Invalid value for '--role'"),
    (("user", "add", "x", "--role", "clerk", "--password", "kort"), "minst 8 tecken"),
])
def test_user_add_refuses_bad_input(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = run(*args, env_dir=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_user_add_refuses_a_second_user_of_the_same_name(tmp_path: Path) -> None:
    run("user", "add", "ola", "--role", "clerk", "--password", "langtlosen", env_dir=tmp_path, check=True)
    result = run("user", "add", "ola", "--role", "admin", "--password", "langtlosen", env_dir=tmp_path)
    assert result.returncode == 1 and "finns redan" in result.stderr


def test_generate_decision_writes_one_letter_per_recipient(tmp_path: Path) -> None:
    from helpers.data import SEED
    from helpers.pdfs import text_pdf

    pdf = tmp_path / "beslut.pdf"
    pdf.write_bytes(text_pdf(SEED.read_text()))
    fields = tmp_path / "beslut.json"
    fields.write_text(run("extract", str(pdf), env_dir=tmp_path, check=True).stdout)
    result = run("generate", "decision", "--fields", str(fields), "-o", str(tmp_path / "brev"), "--pdf",
                 env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "brev").iterdir())
    assert written == sorted(f"beslut-utan-dnr-{r}.{ext}" for r in
                             ("arbetsformedlingen", "rikspolisstyrelsen", "forsakringskassan") for ext in ("docx", "pdf"))
    assert result.stdout.splitlines()[0].endswith("beslut-utan-dnr-arbetsformedlingen.docx")


def test_generate_decision_without_addressee_says_what_is_missing(tmp_path: Path) -> None:
    fields = tmp_path / "beslut.json"
    fields.write_text(json.dumps({"title": "Uppdrag"}))
    result = run("generate", "decision", "--fields", str(fields), "-o", str(tmp_path / "brev"), env_dir=tmp_path)
    assert result.returncode == 1 and "saknar mottagare" in result.stderr
    assert not (tmp_path / "brev").exists()
