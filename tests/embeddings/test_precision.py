"""Which arithmetic ingest batches run in: PRESSCON_ENCODE_PRECISION, or the CPU's own bf16."""
from __future__ import annotations

import pytest

from embeddings.st_encoder import PRECISION_ENV, SentenceTransformerEncoder, batch_precision


@pytest.mark.parametrize("value, expect", [("fp32", "fp32"), ("BF16", "bf16"), (" fp32 ", "fp32")])
def test_the_setting_decides(monkeypatch, value, expect):
    monkeypatch.setenv(PRECISION_ENV, value)
    assert batch_precision() == expect
    assert SentenceTransformerEncoder().precision == expect     # no model is loaded for it


def test_auto_follows_the_cpu(monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.delenv(PRECISION_ENV, raising=False)
    native = torch.cpu._is_amx_tile_supported() or torch.cpu._is_avx512_bf16_supported()
    assert batch_precision() == ("bf16" if native else "fp32")
    monkeypatch.setenv(PRECISION_ENV, "auto")
    assert batch_precision() == ("bf16" if native else "fp32")


def test_a_wrong_setting_names_the_variable_and_the_choices(monkeypatch):
    monkeypatch.setenv(PRECISION_ENV, "fp16")
    with pytest.raises(ValueError, match=r"PRESSCON_ENCODE_PRECISION='fp16'.*auto, bf16 or fp32"):
        batch_precision()
