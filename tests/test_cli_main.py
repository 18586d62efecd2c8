"""The command dispatcher: help, unknown commands, and errors as messages with exit code 2."""

from __future__ import annotations

import subprocess
import sys

from cbe_core.__main__ import COMMANDS, main


def test_no_command_prints_help_and_exits_2(capsys):
    try:
        code = main([])
    except SystemExit as exc:  # argparse's --help exits 0 after printing
        code = exc.code
    out = capsys.readouterr().out
    assert "validate" in out and "rfm" in out
    assert code in (0, 2)


def test_every_listed_command_has_a_module_with_configure_and_run():
    import importlib

    for name in COMMANDS:
        module = importlib.import_module(f"cbe_core.cli.{name}")
        assert callable(module.configure) and callable(module.run), name


def test_a_data_error_is_a_message_on_stderr_with_exit_2_and_no_traceback(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    proc = subprocess.run([sys.executable, "-m", "cbe_core", "validate", "orders", str(empty)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "empty.csv" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_missing_file_is_a_message_not_a_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "cbe_core", "validate", "orders",
                           str(tmp_path / "nope.csv")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "nope.csv" in proc.stderr and "Traceback" not in proc.stderr


def test_an_unexpected_error_is_one_line_with_exit_2_unless_debugging(monkeypatch, capsys):
    import pytest

    from cbe_core.cli import abtest

    def broken(args):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(abtest, "run", broken)
    argv = ["abtest", "--a-sessions", "1", "--a-orders", "0", "--b-sessions", "1", "--b-orders", "0"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "internal error (ZeroDivisionError" in err and "Traceback" not in err
    monkeypatch.setenv("CBE_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(argv)
