"""presscon: cited, verbatim answers from press-conference transcripts.

Names are resolved on first use (PEP 562) so that importing ``rag.cli`` for
``presscon --help`` does not pay for numpy and FAISS.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Retriever", "Hit", "Answer", "IngestReport", "FileResult", "PressconError",
           "ModelMismatchError", "IngestBusyError"]

_WHERE = {"Retriever": "retriever", "Hit": "results", "Answer": "results",
          "IngestReport": "ingest", "FileResult": "ingest", "PressconError": "errors",
          "ModelMismatchError": "errors", "IngestBusyError": "errors"}

if TYPE_CHECKING:
    from .ingest import FileResult, IngestReport
    from .errors import IngestBusyError, ModelMismatchError, PressconError
    from .results import Answer, Hit
    from .retriever import Retriever


def __getattr__(name: str) -> Any:
    if name in __all__:
        from importlib import import_module
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
