"""Configuration: contract names, defaults, and one clear line for each wrong value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings, require_token

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "TELEGRAM_API_FILE_URL", "DATABASE_URL",
                 "ALLOWED_USER_IDS", "LOG_LEVEL", "ANALYSIS_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout


def test_defaults_match_the_documented_contract() -> None:
    settings = load_settings()
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert settings.telegram_api_file_url == "https://api.telegram.org/file/bot"
    assert settings.database_url == "sqlite:///data/dossier.db"
    assert settings.database_path == Path("data/dossier.db")
    assert settings.allowed_user_ids == ()
    assert settings.log_level == "INFO"
    assert settings.analysis_workers >= 1


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("ALLOWED_USER_IDS", " 42, 7 ,42")
    monkeypatch.setenv("ANALYSIS_WORKERS", "3")
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    settings = load_settings()
    assert require_token(settings) == "123:abc"
    assert settings.allowed_user_ids == (42, 7)
    assert settings.analysis_workers == 3


def test_values_come_from_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=9:from-dotenv\nALLOWED_USER_IDS=5\n", encoding="utf-8")
    settings = load_settings()
    assert settings.token == "9:from-dotenv"
    assert settings.allowed_user_ids == (5,)


def test_missing_token_names_the_variable_and_the_example() -> None:
    with pytest.raises(ConfigError) as err:
        require_token(load_settings())
    assert "TELEGRAM_BOT_TOKEN" in str(err.value) and ".env.example" in str(err.value)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("ALLOWED_USER_IDS", "12,abc", "ALLOWED_USER_IDS"),
        ("ANALYSIS_WORKERS", "many", "ANALYSIS_WORKERS"),
        ("ANALYSIS_WORKERS", "-1", "ANALYSIS_WORKERS"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("TELEGRAM_API_BASE_URL", "ftp://x", "TELEGRAM_API_BASE_URL"),
        ("WEBHOOK_URL", "http://insecure.example/hook", "WEBHOOK_URL"),
        ("WEBHOOK_LISTEN", "8080", "WEBHOOK_LISTEN"),
        ("WEBHOOK_LISTEN", "0.0.0.0:70000", "WEBHOOK_LISTEN"),
        ("WEBHOOK_SECRET", "has spaces", "WEBHOOK_SECRET"),
        ("WEBHOOK_SECRET", "x" * 257, "WEBHOOK_SECRET"),
        ("INBOX_CLAIM_TIMEOUT", "0", "INBOX_CLAIM_TIMEOUT"),
    ],
)
def test_invalid_value_names_the_setting(monkeypatch: pytest.MonkeyPatch, name: str, value: str,
                                         expected: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(err.value).startswith(expected)
    assert "\n" not in str(err.value)


def test_token_never_appears_in_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:SECRET-token-value-abcdefghij")
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert "SECRET" not in str(err.value)


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(cwd or ROOT)}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=120,
                          env={**base, **(env or {})}, cwd=cwd)


def test_run_without_token_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_help_lists_the_subcommands(tmp_path: Path) -> None:
    result = run_cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    for sub in ("run", "console", "analyze", "backup", "export"):
        assert sub in result.stdout


def test_a_wrong_webhook_secret_is_named_but_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_SECRET", "almost-right but-not")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert "WEBHOOK_SECRET" in str(err.value) and "A-Z, a-z, 0-9, _ and -" in str(err.value)
    assert "almost" not in str(err.value)


def test_webhook_settings_parse() -> None:
    settings = load_settings(WEBHOOK_URL="https://bot.example/tg", WEBHOOK_LISTEN="[::1]:8443",
                             WEBHOOK_SECRET="abc_DEF-123")
    assert settings.listen_address == ("::1", 8443)
    assert settings.webhook_secret is not None and settings.webhook_secret.get_secret_value() == "abc_DEF-123"
    assert load_settings(WEBHOOK_LISTEN=":8080").listen_address == ("0.0.0.0", 8080)


def test_run_webhook_without_url_or_secret_says_what_to_set(tmp_path: Path) -> None:
    env = {"TELEGRAM_BOT_TOKEN": "123:TEST", "WEBHOOK_URL": "https://bot.example/tg"}
    result = run_cli("run", "--webhook", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "WEBHOOK_SECRET must be set for run --webhook" in lines[0], result.stderr
    assert "Traceback" not in result.stderr + result.stdout
