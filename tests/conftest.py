"""Shared fixtures: a counting fake encoder, the bundled seed, ../shared when present.

Test files live in folders mirroring the packages (tests/parse/, tests/index/,
...) and import the shared helpers as ``from conftest import ...`` and
``from transcripts import ...``: this folder is on sys.path.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import socket

import pytest

from embeddings.testing import FakeEncoder

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

ROOT = TESTS.parent
SEED = ROOT / "data" / "2021-12-24.txt"
SHARED = Path(os.environ.get("PRESSCON_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
EVAL = SHARED / "eval"

needs_corpus = pytest.mark.skipif(not (CORPUS / "txt").is_dir(),
                                  reason=f"development corpus not found at {CORPUS}")
needs_eval = pytest.mark.skipif(not (EVAL / "dev_questions.jsonl").is_file(),
                                reason=f"dev questions not found at {EVAL}")


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    # No test may reach a model hub; an attempt fails fast instead of hanging.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture
def encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    """The seed transcript in a folder of its own, safe to edit."""
    folder = tmp_path / "transcripts"
    folder.mkdir()
    dest = folder / SEED.name
    dest.write_bytes(SEED.read_bytes())
    return dest


@pytest.fixture
def retriever(tmp_path, encoder, seed_copy):
    from rag import Retriever
    r = Retriever.open(tmp_path / "index", encoder=encoder)
    report = r.ingest([seed_copy])
    assert report.ok, report.files
    yield r
    r.close()


def free_port() -> int:
    """A free TCP port on the loopback interface, for a server a test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
