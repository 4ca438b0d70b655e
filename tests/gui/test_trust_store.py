"""The custom-code trust store: remembered by exact content, per file."""

from __future__ import annotations

import json

from gui.editor.trust_store import TrustStore, code_digest

CODE = "def work():\n    return 1\n"


def test_nothing_is_trusted_at_first(tmp_path):
    store = TrustStore(tmp_path / "trust.json")
    assert not store.is_trusted(CODE)
    assert store.untrusted([CODE, "x = 1"]) == [CODE, "x = 1"]


def test_trust_is_remembered_across_instances_by_sha256(tmp_path):
    path = tmp_path / "sub" / "trust.json"
    TrustStore(path).trust([CODE])
    again = TrustStore(path)
    assert again.is_trusted(CODE)
    assert json.loads(path.read_text())["sha256"] == [code_digest(CODE)]
    assert CODE not in path.read_text()  # the code itself is not stored


def test_one_byte_changed_is_asked_again(tmp_path):
    store = TrustStore(tmp_path / "trust.json")
    store.trust([CODE])
    assert not store.is_trusted(CODE.replace("1", "2"))
    assert not store.is_trusted(CODE + " ")
    assert store.untrusted([CODE, CODE + "#"]) == [CODE + "#"]


def test_corrupted_or_hostile_file_trusts_nothing(tmp_path):
    path = tmp_path / "trust.json"
    for text in ("not json", "[1, 2]", '{"sha256": "abc"}', '{"sha256": [1, "../x"]}'):
        path.write_text(text)
        assert not TrustStore(path).is_trusted(CODE)
    path.write_bytes(b"\xff\xfe\x00")
    assert not TrustStore(path).is_trusted(CODE)


def test_unwritable_store_still_answers_for_this_session(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    store = TrustStore(blocker / "trust.json")  # its parent is a file
    store.trust([CODE])
    assert store.is_trusted(CODE)
