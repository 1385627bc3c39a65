"""Tests of etude.files: atomic writes and file digests."""
import hashlib

import pytest

from etude import files


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    def boom(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")
    with pytest.raises(RuntimeError):
        files.atomic_write(tmp_path / "x.csv", boom)
    assert list(tmp_path.iterdir()) == []


def test_sha256_is_the_digest_of_the_bytes(tmp_path):
    p = tmp_path / "x.bin"
    p.write_bytes(b"\x00" * 70_000)
    assert files.sha256(p) == hashlib.sha256(b"\x00" * 70_000).hexdigest()


def test_write_json_is_utf8_with_accents(tmp_path):
    path = files.write_json(tmp_path / "m.json", {"étude": "données"})
    assert path.read_text(encoding="utf-8") == '{\n  "étude": "données"\n}\n'
