"""``seci-lab workshop`` without starting servers: its options, the session it creates or
resumes, its errors, and how the facilitator key reaches ``--resume``."""

from __future__ import annotations

import os
import string

import pytest

from seci_lab import cli
from seci_lab.env import DB_ENV, FACILITATOR_KEY_ENV, TOKEN_ENV
from seci_lab.server.workshop import _serve_command, create_session, plan_from_args
from seci_lab.store import workshop as workshop_store
from seci_lab.store.workshop import WorkshopStore


@pytest.fixture(autouse=True)
def _no_key_in_environment(monkeypatch):
    # A key or token exported in the tester's shell must not answer for a test that gives none.
    monkeypatch.delenv(FACILITATOR_KEY_ENV, raising=False)
    monkeypatch.delenv(TOKEN_ENV, raising=False)


def _plan(*argv):
    return plan_from_args(cli.build_parser().parse_args(["workshop", *argv]))


def test_workshop_command_defaults(tmp_path, monkeypatch):
    from seci_lab.store.engine import default_url

    monkeypatch.setenv(DB_ENV, str(tmp_path / "lessons.sqlite"))
    # The lessons' database by default: the facilitator notebook under `seci-lab serve` finds it.
    assert _plan().db_url == default_url() == f"sqlite:///{tmp_path / 'lessons.sqlite'}"
    plan = _plan("--db", str(tmp_path / "ws.sqlite"))
    assert plan.host == "127.0.0.1" and plan.facilitator_port == plan.port + 1
    assert plan.token == "" and plan.db_url == f"sqlite:///{tmp_path / 'ws.sqlite'}"
    room = _plan("--host", "0.0.0.0", "--port", "9000")
    assert room.token and room.join_urls()[0].endswith(f":9000/?token={room.token}")
    # The facilitator's server has a token of its own, generated for each run.
    assert room.facilitator_token and room.facilitator_url() == f"http://127.0.0.1:9001/?token={room.facilitator_token}"
    assert _plan().facilitator_token != room.facilitator_token
    # Scripts written when the participant page was a notebook with a kernel pool still run.
    assert _plan("--no-preheat", "--db", str(tmp_path / "ws.sqlite")).port == plan.port


def test_no_secret_goes_on_a_dashboard_command_line(tmp_path):
    # Every user of the computer can read a command line (ps): tokens go in the environment.
    room = _plan("--host", "0.0.0.0", "--db", str(tmp_path / "ws.sqlite"))
    for page in (True, False):
        argv = " ".join(_serve_command(tmp_path, "x.ipynb", room.host, room.port, room, False, participant_page=page))
        assert room.token not in argv and room.facilitator_token not in argv


def test_workshop_command_creates_and_resumes_a_session(tmp_path, monkeypatch):
    db = str(tmp_path / "ws.sqlite")
    plan = _plan("--db", db, "--title", "Kick-off", "--format", "csh", "--join-code", "TEAM42")
    create_session(plan)
    assert plan.join_code == "TEAM42" and plan.facilitator_key
    store = WorkshopStore.open(plan.db_url)
    session = store.session_by_code("TEAM42")
    assert session.format == "csh" and store.check_key(session.id, plan.facilitator_key)
    monkeypatch.setenv(FACILITATOR_KEY_ENV, plan.facilitator_key)
    again = _plan("--db", db, "--resume", "team42")
    create_session(again)
    assert again.join_code == "TEAM42" and again.facilitator_key == plan.facilitator_key


def test_the_room_screen_address_is_printed_with_its_own_token(tmp_path, monkeypatch, capsys):
    from seci_lab.server.workshop import _announce

    db = str(tmp_path / "ws.sqlite")
    plan = _plan("--db", db, "--host", "0.0.0.0", "--port", "9000", "--no-browser", "--join-code", "TEAM42")
    create_session(plan)
    _announce(plan)
    out = capsys.readouterr().out
    room = plan.room_screen_url()
    assert room in out and room.endswith(f"/room?screen={plan.room_screen_token}")
    assert room.startswith(plan.join_urls()[0].split("?")[0]) and ":9000/" in room
    # Never the facilitator's token or key, nor the join token, in the room screen's address.
    for secret in (plan.facilitator_token, plan.facilitator_key, plan.token):
        assert secret not in room
    store = WorkshopStore.open(plan.db_url)
    assert store.session_for_room_screen(plan.room_screen_token) == store.session_by_code("TEAM42").id
    # A restart with --resume prints the same address (the projector's bookmark keeps working).
    monkeypatch.setenv(FACILITATOR_KEY_ENV, plan.facilitator_key)
    again = _plan("--db", db, "--host", "0.0.0.0", "--port", "9000", "--resume", "TEAM42")
    create_session(again)
    assert again.room_screen_token == plan.room_screen_token


def test_workshop_command_errors_are_clear(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "ws.sqlite")
    assert cli.main(["workshop", "--db", db, "--resume", "TEAM42"]) == 1
    err = capsys.readouterr().err
    assert FACILITATOR_KEY_ENV in err and "--key-file" in err
    WorkshopStore.open(f"sqlite:///{db}").create_session("Taken", join_code="TEAM42")
    monkeypatch.setenv(FACILITATOR_KEY_ENV, "wrong")
    assert cli.main(["workshop", "--db", db, "--resume", "TEAM42"]) == 1
    assert "does not match" in capsys.readouterr().err
    assert cli.main(["workshop", "--db", db, "--port", "9000", "--facilitator-port", "9000"]) == 1
    assert "must differ" in capsys.readouterr().err


def test_another_participant_server_behind_a_proxy(tmp_path, capsys):
    db = str(tmp_path / "ws.sqlite")
    plan = _plan("--db", db, "--participants-only", "--trusted-proxy", "127.0.0.1",
                 "--trusted-proxy", "10.0.0.0/8", "--allow-host", "workshop.example.org")
    assert plan.participants_only and plan.trusted_proxies == ("127.0.0.1", "10.0.0.0/8")
    assert plan.allow_hosts == ("workshop.example.org",)
    assert _plan("--db", db).trusted_proxies == ()  # no proxy is trusted unless named
    # The address printed and drawn as the QR code is the proxy's, with the room's token.
    proxied = _plan("--db", db, "--join-url", "https://workshop.example.org", "--token", "k7m3qx9p2a")
    assert proxied.join_urls() == ["https://workshop.example.org/?token=k7m3qx9p2a"]
    for bad in ("workshop.example.org", "ftp://x.example/", "https://x.example/?token=1"):
        assert cli.main(["workshop", "--db", db, "--join-url", bad]) == 1
        assert "--join-url must be" in capsys.readouterr().err
    # It serves the sessions in the database: creating or resuming one is the first server's job.
    assert cli.main(["workshop", "--db", db, "--participants-only", "--resume", "TEAM42"]) == 1
    assert "--participants-only" in capsys.readouterr().err
    # Off loopback the servers must share one room token (a proxy sends anyone to any of them).
    assert cli.main(["workshop", "--db", db, "--participants-only", "--host", "0.0.0.0"]) == 1
    assert "needs a token" in capsys.readouterr().err
    assert _plan("--db", db, "--participants-only", "--host", "0.0.0.0", "--token", "k7m3qx9p2a").token == "k7m3qx9p2a"
    with pytest.raises(SystemExit):
        cli.main(["workshop", "--db", db, "--trusted-proxy", "proxy.example.org"])
    assert "not an address or network" in capsys.readouterr().err


# --- the facilitator key on its way to --resume -----------------------------------------------


def _session_with_key(tmp_path, monkeypatch, key: str) -> str:
    """A session (join code TEAM42) whose facilitator key is ``key``; returns the --db value."""
    db = str(tmp_path / "ws.sqlite")
    with monkeypatch.context() as patch:
        patch.setattr(workshop_store, "new_facilitator_key", lambda: key)
        plan = _plan("--db", db, "--join-code", "TEAM42")
        create_session(plan)
    assert plan.facilitator_key == key
    return db


def test_a_key_on_the_command_line_is_refused_with_the_alternatives(tmp_path, monkeypatch, capsys):
    # Issue 21, item 9: every user of the computer can read a command line (ps), and --key was
    # still accepted. It is now a usage error naming the environment variable and --key-file,
    # also without a value (argparse would otherwise read "--key" as short for "--key-file").
    key = "KeyOnTheCommandLine0123456789abc"
    db = _session_with_key(tmp_path, monkeypatch, key)
    for argv in (["--key", key], [f"--key={key}"], ["--key"]):
        with pytest.raises(SystemExit) as stopped:
            cli.main(["workshop", "--db", db, "--resume", "TEAM42", "--no-browser", *argv])
        assert stopped.value.code == 2
        err = capsys.readouterr().err
        assert "--key: was removed" in err and FACILITATOR_KEY_ENV in err and "--key-file" in err
        assert "Traceback" not in err


def test_generated_keys_never_begin_with_a_dash(monkeypatch):
    # Whatever the random source picks, a key is letters and digits: nothing a command line
    # could read as an option. min() picks the lowest symbol of the alphabet, and '-' sorts
    # below every letter and digit, so an alphabet holding '-' would show here.
    plain = set(string.ascii_letters + string.digits)
    with monkeypatch.context() as patch:
        patch.setattr(workshop_store.secrets, "choice", min)
        lowest = workshop_store.new_facilitator_key()
    assert lowest[0] != "-" and set(lowest) <= plain and len(lowest) >= 24
    assert set(workshop_store.FACILITATOR_KEY_ALPHABET) <= plain
    for _ in range(200):
        assert workshop_store.new_facilitator_key()[0] != "-"


def test_resume_reads_the_key_from_the_environment(tmp_path, monkeypatch):
    key = "-EnvKey0123456789abcdefghijklmnop"
    db = _session_with_key(tmp_path, monkeypatch, key)
    monkeypatch.setenv(FACILITATOR_KEY_ENV, key)
    again = _plan("--db", db, "--resume", "TEAM42")
    create_session(again)
    assert again.facilitator_key == key


def test_resume_reads_the_key_from_a_private_file(tmp_path, monkeypatch, capsys):
    key = "-FileKey123456789abcdefghijklmnop"
    db = _session_with_key(tmp_path, monkeypatch, key)
    key_file = tmp_path / "facilitator.key"
    key_file.write_text(key + "\n")
    key_file.chmod(0o600)
    again = _plan("--db", db, "--resume", "TEAM42", "--key-file", str(key_file))
    create_session(again)
    assert again.facilitator_key == key
    # A file other users can read is refused with what to do; so is giving the key twice.
    if os.name == "posix":
        key_file.chmod(0o644)
        assert cli.main(["workshop", "--db", db, "--resume", "TEAM42", "--key-file", str(key_file)]) == 1
        err = capsys.readouterr().err
        assert "chmod 600" in err and key not in err and "Traceback" not in err
        key_file.chmod(0o600)
    assert cli.main(["workshop", "--db", db, "--resume", "TEAM42", "--key-file", str(tmp_path / "none")]) == 1
    assert "Cannot read the key file" in capsys.readouterr().err


# --- the room token, a damaged database, a session's length (issue 21, items 9 and 10) ------------


def test_the_room_token_comes_from_the_environment_or_a_private_file(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "ws.sqlite")
    monkeypatch.setenv(TOKEN_ENV, "envtoken7k")
    assert _plan("--db", db, "--host", "0.0.0.0").token == "envtoken7k"
    # The other participant servers behind a proxy share it without a command line.
    assert _plan("--db", db, "--participants-only", "--host", "0.0.0.0").token == "envtoken7k"
    monkeypatch.delenv(TOKEN_ENV)
    token_file = tmp_path / "room.token"
    token_file.write_text("filetoken9m\n")
    token_file.chmod(0o600)
    assert _plan("--db", db, "--host", "0.0.0.0", "--token-file", str(token_file)).token == "filetoken9m"
    assert cli.main(["workshop", "--db", db, "--token-file", str(token_file), "--token", "x"]) == 1
    assert "one way" in capsys.readouterr().err
    if os.name == "posix":
        token_file.chmod(0o644)
        assert cli.main(["workshop", "--db", db, "--host", "0.0.0.0", "--token-file", str(token_file)]) == 1
        err = capsys.readouterr().err
        assert "chmod 600" in err and "filetoken9m" not in err


def test_a_damaged_database_is_one_line_and_exit_status_1(tmp_path, capsys):
    # Issue 21, item 10: a file that is not a database gave a 60-line traceback.
    for name, content in (("random.sqlite", bytes(range(256)) * 20),
                          ("truncated.sqlite", b"SQLite format 3\x00" + b"\x07" * 2000)):
        damaged = tmp_path / name
        damaged.write_bytes(content)
        for extra in ([], ["--participants-only"]):
            assert cli.main(["workshop", "--db", str(damaged), "--no-browser", "--port", str(_free_port()),
                             *extra]) == 1
            err = capsys.readouterr().err
            assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
            assert "cannot be used (file is not a database)" in err and name in err
            assert damaged.read_bytes() == content  # left as it was, for a backup


def test_session_hours_below_six_minutes_are_refused(tmp_path, capsys):
    # Issue 21, item 10: below a second the lifetime was 0, which the server read as "never ends".
    for short in ("0.0001", "0.01", "0.09"):
        with pytest.raises(SystemExit) as stopped:
            _plan("--db", str(tmp_path / "ws.sqlite"), "--session-hours", short)
        assert stopped.value.code == 2
        assert "--session-hours: must be at least 0.1 (six minutes)" in capsys.readouterr().err
    plan = _plan("--db", str(tmp_path / "ws.sqlite"), "--session-hours", "0.1")
    assert _serve_command(tmp_path, "", plan.host, plan.port, plan, False, participant_page=True)[-1] == "360"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
