"""Settings: precedence, types, clear errors, and every setting documented."""

from pathlib import Path

import pytest

from baochi import cli
from baochi.settings import FIELDS, SettingsError, describe, load


def test_precedence_defaults_toml_env_cli(tmp_path: Path) -> None:
    toml = tmp_path / "baochi.toml"
    toml.write_text('[baochi]\nport = 9000\nhost_delay = 3.5\nuser_agent = "from-toml"\n')
    env = {"BAOCHI_PORT": "9100", "BAOCHI_USER_AGENT": "from-env"}
    s = load(toml_path=toml, environ=env, overrides={"port": "9200"})
    assert s.port == 9200  # CLI beats env
    assert s.user_agent == "from-env"  # env beats TOML
    assert s.host_delay == 3.5  # TOML beats default
    assert s.host_concurrency == 2  # default


def test_lists_and_paths_are_coerced() -> None:
    s = load(
        environ={
            "BAOCHI_ALLOWED_PRIVATE_NETWORKS": "127.0.0.1/32, 10.0.0.0/8",
            "BAOCHI_DATA": "/tmp/x",
        }
    )
    assert s.allowed_private_networks == ("127.0.0.1/32", "10.0.0.0/8")
    assert s.data == Path("/tmp/x")
    assert s.sqlalchemy_url == "sqlite:////tmp/x/baochi.sqlite3"
    assert len(s.private_networks) == 2


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BAOCHI_PORT": "eighty"}, "port"),
        ({"BAOCHI_ALLOWED_PRIVATE_NETWORKS": "not-a-net"}, "CIDR"),
    ],
)
def test_bad_values_are_clear_errors(env: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load(environ=env)


def test_unknown_setting_is_refused() -> None:
    with pytest.raises(SettingsError, match="unknown setting"):
        load(environ={}, overrides={"no_such_thing": 1})


def test_every_setting_is_documented_in_both_languages() -> None:
    rows = describe(load(environ={}))
    assert len(rows) == len(FIELDS)
    for row in rows:
        assert row.env.startswith("BAOCHI_")
        assert len(row.help) > 15 and len(row.vi) > 15 and row.vi != row.help, row.env
    assert all(not row.changed for row in rows)


def test_the_values_in_force_are_described_as_a_variable_takes_them() -> None:
    """The value in force beside the default, each as it is written in a BAOCHI_* variable
    (not "()" or "False"), and a credential that is set as ••••."""
    env = {
        "BAOCHI_PORT": "8811",
        "BAOCHI_SMTP_STARTTLS": "yes",
        "BAOCHI_BRIEF_RECIPIENTS": "lan@hanoi.gov.vn, minh@hanoi.gov.vn",
        "BAOCHI_SMTP_PASSWORD": "mat-khau",
    }
    rows = {row.env: row for row in describe(load(environ=env))}
    port = rows["BAOCHI_PORT"]
    assert (port.value, port.default, port.changed) == ("8811", "8000", True)
    assert (rows["BAOCHI_SMTP_STARTTLS"].value, rows["BAOCHI_SMTP_STARTTLS"].default) == (
        "true",
        "false",
    )
    recipients = rows["BAOCHI_BRIEF_RECIPIENTS"]
    assert (recipients.value, recipients.default) == ("lan@hanoi.gov.vn,minh@hanoi.gov.vn", "")
    assert load(environ={"BAOCHI_BRIEF_RECIPIENTS": recipients.value}).brief_recipients == (
        "lan@hanoi.gov.vn",
        "minh@hanoi.gov.vn",
    )  # written back, it reads the same
    assert rows["BAOCHI_REPORT_SCHEDULE"].value == "week,month"
    assert (rows["BAOCHI_SMTP_PASSWORD"].value, rows["BAOCHI_WEBHOOK_SECRET"].value) == ("••••", "")


def test_cli_set_and_bad_setting_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--set", "port=notanumber", "settings"]) == 2
    assert "port" in capsys.readouterr().err
    assert cli.main(["--set", "port=8811", "settings"]) == 0
    out = capsys.readouterr().out
    assert "BAOCHI_HOST_DELAY" in out and "BAOCHI_PORT" in out
    assert "8811 (default: 8000)" in out  # the value in force, not only the default


def test_a_config_file_that_is_no_toml_is_named_with_its_fault(tmp_path: Path) -> None:
    """A missing quote in baochi.toml: the file, the line and the fault, not a traceback."""
    toml = tmp_path / "baochi.toml"
    toml.write_text('[baochi]\nuser_agent = "baochi/0.1\n')
    with pytest.raises(SettingsError, match=r"baochi\.toml: not valid TOML \(.*line 2"):
        load(toml_path=toml, environ={})
