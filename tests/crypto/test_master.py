"""Several master keys: current first, each with a short id; TOTP secrets open with any."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest

from feedback.auth import totp
from feedback.crypto.master import load_master_key, load_master_keys, master_key_id
from feedback.errors import SettingsInvalid
from feedback.settings import Settings


def new_key_text() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def test_the_environment_lists_keys_current_first(tmp_path: Path) -> None:
    first, second = new_key_text(), new_key_text()
    settings = Settings.from_env(
        {"FEEDBACK_DATA_DIR": str(tmp_path), "FEEDBACK_MASTER_KEY": f"{first}, {second}"}
    )
    keys = load_master_keys(settings)
    assert keys.current == base64.urlsafe_b64decode(first)
    assert list(keys.by_id) == [master_key_id(k) for k in keys.keys]
    assert load_master_key(settings) == keys.current


def test_the_key_file_holds_one_key_a_line_with_comments(tmp_path: Path) -> None:
    first, second = new_key_text(), new_key_text()
    (tmp_path / "master.key").write_text(f"# new since October\n{first}\n\n# old\n{second}\n")
    keys = load_master_keys(Settings(data_dir=tmp_path))
    assert keys.keys == (base64.urlsafe_b64decode(first), base64.urlsafe_b64decode(second))


def test_ids_are_short_and_stable() -> None:
    key = secrets.token_bytes(32)
    assert master_key_id(key) == master_key_id(key)
    assert len(master_key_id(key)) == 8
    assert master_key_id(key) != master_key_id(secrets.token_bytes(32))


def test_a_bad_key_in_the_list_is_named_by_position_not_echoed() -> None:
    with pytest.raises(SettingsInvalid) as caught:
        Settings.from_env({"FEEDBACK_MASTER_KEY": f"{new_key_text()},c2hvcnQga2V5"})
    assert caught.value.message.startswith("FEEDBACK_MASTER_KEY: key 2 ")
    assert "c2hvcnQga2V5" not in caught.value.message


def test_the_repr_shows_ids_only() -> None:
    settings = Settings(master_key=new_key_text())
    keys = load_master_keys(settings)
    assert repr(keys) == f"MasterKeys(ids=['{keys.current_id}'])"


def test_key_period_setting_is_checked() -> None:
    assert Settings.from_env({"FEEDBACK_KEY_PERIOD": "Month"}).key_period == "month"
    with pytest.raises(SettingsInvalid, match="FEEDBACK_KEY_PERIOD: must be one of"):
        Settings.from_env({"FEEDBACK_KEY_PERIOD": "week"})


def test_a_totp_secret_opens_with_any_configured_key() -> None:
    old, new = secrets.token_bytes(32), secrets.token_bytes(32)
    sealed = totp.seal_secret(old, "JBSWY3DPEHPK3PXP")
    assert totp.open_secret(new, sealed) is None
    assert totp.open_secret([new, old], sealed) == "JBSWY3DPEHPK3PXP"
    assert totp.open_secret(old, sealed) == "JBSWY3DPEHPK3PXP"
