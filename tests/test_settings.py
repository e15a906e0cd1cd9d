from pathlib import Path

import pytest

from newsdesk.errors import ConfigError
from newsdesk.settings import Settings, load_settings


def test_defaults_without_any_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={})
    assert settings == Settings()
    assert settings.db_path == Path("newsdesk-data/newsdesk.db")


def test_precedence_defaults_toml_env_cli(tmp_path: Path) -> None:
    config = tmp_path / "newsdesk.toml"
    config.write_text('fetch_timeout = 5\nretries = 1\nuser_agent = "from-toml"\n')
    env = {"NEWSDESK_RETRIES": "2", "NEWSDESK_USER_AGENT": "from-env"}
    settings = load_settings(config, cli_overrides={"user_agent": "from-cli"}, environ=env)
    assert settings.fetch_timeout == 5  # TOML over default
    assert settings.retries == 2  # env over TOML
    assert settings.user_agent == "from-cli"  # CLI over env
    assert settings.max_redirects == 5  # default


def test_newsdesk_table_and_env_config_path(tmp_path: Path) -> None:
    config = tmp_path / "other.toml"
    config.write_text("[newsdesk]\nmax_redirects = 2\n")
    settings = load_settings(environ={"NEWSDESK_CONFIG": str(config)})
    assert settings.max_redirects == 2


def test_cli_none_means_not_given(tmp_path: Path) -> None:
    settings = load_settings(cli_overrides={"retries": None}, environ={"NEWSDESK_RETRIES": "0"})
    assert settings.retries == 0


def test_env_list_of_feeds() -> None:
    settings = load_settings(environ={"NEWSDESK_FEEDS": "http://a.example/f,http://b.example/f"})
    assert settings.feeds == ("http://a.example/f", "http://b.example/f")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("fetch_timeout = \n", "bad TOML"),
        ("no_such_key = 1\n", "no_such_key"),
        ('retries = "many"\n', "retries"),
        ("fetch_timeout = -1\n", "fetch_timeout"),
    ],
)
def test_bad_config_files_are_one_clear_error(tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_settings(config, environ={})


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml", environ={})


def test_unknown_env_key_is_an_error() -> None:
    with pytest.raises(ConfigError, match="NEWSDESK_TIMEOUT"):
        load_settings(environ={"NEWSDESK_TIMEOUT": "3"})


def test_readme_documents_every_setting() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    missing = [name for name in Settings.model_fields if f"`{name}`" not in readme]
    assert missing == []
