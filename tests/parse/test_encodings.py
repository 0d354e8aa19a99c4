"""Item 13: files in an unambiguous encoding other than UTF-8 are read (and the
report says which encoding); binary files are still refused."""
from __future__ import annotations

import json

import pytest

from embeddings.testing import FakeEncoder
from rag import Retriever
from rag.parse import ParseError, parse_file

from conftest import SEED

TITLE = "Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on May 6, 2019"
BODY = ("\n\nQ: Où en est le dialogue?\n\n"
        "Geng Shuang: Très bien. The “naïve” view of the café’s owner is not China’s.\n")


def test_utf16_with_a_byte_order_mark(tmp_path):
    f = tmp_path / "2019-05-06.txt"
    f.write_text(TITLE + BODY, encoding="utf-16")
    conf = parse_file(f)
    assert conf.encoding == "utf-16"
    assert conf.exchanges[0].text.startswith("Très bien. The “naïve” view")


def test_utf16_without_a_byte_order_mark(tmp_path):
    f = tmp_path / "2019-05-06.txt"
    f.write_bytes((TITLE + BODY).encode("utf-16-le"))
    conf = parse_file(f)
    assert conf.encoding == "utf-16-le"
    assert conf.exchanges[0].question == "Où en est le dialogue?"


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_western_single_byte_file(tmp_path, codec):
    text = TITLE + (BODY if codec == "cp1252" else BODY.translate(
        str.maketrans({"“": '"', "”": '"', "’": "'"})))
    f = tmp_path / "2019-05-06.txt"
    f.write_bytes(text.encode(codec))
    conf = parse_file(f)
    assert conf.encoding == "cp1252"        # latin-1's printable characters are cp1252's
    assert conf.exchanges[0].question == "Où en est le dialogue?"
    assert "Très bien" in conf.exchanges[0].text and "naïve" in conf.exchanges[0].text


@pytest.mark.parametrize("body", [
    # one em dash pair: charset-normalizer ties big5, cp932, gb18030 ... without cp1252
    "Q: What\u2014exactly\u2014did you say?\n\nGeng Shuang: Nothing more.\n",
    # curly quotes only: its single best guess is cp1250
    ("Q: It\u2019s the \u201cplan\u201d \u2014 isn\u2019t it?\n\n"
     "Geng Shuang: We\u2019ll see \u2014 later. Tr\u00e8s bien.\n")])
def test_english_with_a_few_windows_quotes_and_dashes_is_cp1252(tmp_path, body):
    f = tmp_path / "2019-05-06.txt"
    f.write_bytes((TITLE + "\n\n" + body).encode("cp1252"))
    conf = parse_file(f)
    assert conf.encoding == "cp1252"
    e = conf.exchanges[0]
    assert (e.question, e.text) == tuple(p.split(": ", 1)[1] for p in body.strip().split("\n\n"))


def test_utf16_html_page(tmp_path):
    page = ("<!DOCTYPE html><html><head><meta charset='utf-16'><title>x</title></head><body>"
            f"<h2 class='title'>{TITLE}</h2><div class='content'><p>Q: Où?</p>"
            "<p>Geng Shuang: Très bien.</p></div></body></html>")
    f = tmp_path / "page.html"
    f.write_text(page, encoding="utf-16")
    conf = parse_file(f)
    assert conf.encoding == "utf-16" and conf.exchanges[0].text == "Très bien."


@pytest.mark.parametrize("raw", [bytes(range(256)) * 20, bytes(range(1, 256)) * 20,
                                 b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8])
def test_binary_files_are_still_refused(tmp_path, raw):
    f = tmp_path / "2019-05-06.txt"
    f.write_bytes(raw)
    with pytest.raises(ParseError) as info:
        parse_file(f)
    assert f.name in str(info.value)
    assert "binary" in info.value.reason or "no other encoding fits" in info.value.reason


def test_the_ingest_report_names_the_encoding(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "seed-utf16.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-16")
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    report = r.ingest([d])
    assert report.ok, report.files
    (f,) = report.files
    assert (f.status, f.encoding) == ("added", "utf-16")
    assert r.search("Lithuania customs", k=1)

    from click.testing import CliRunner
    from rag.cli import main
    (d / "cp1252.txt").write_bytes((TITLE + BODY).encode("cp1252"))
    res = CliRunner().invoke(main, ["ingest", str(d), "--index", str(tmp_path / "idx2"),
                                    "--model", "fake-bow-64"])
    assert res.exit_code == 0, res.output
    assert "(read as cp1252)" in res.output and "(read as utf-16)" in res.output
    res = CliRunner().invoke(main, ["ingest", str(d), "--index", str(tmp_path / "idx3"),
                                    "--model", "fake-bow-64", "--json"])
    assert {f["encoding"] for f in json.loads(res.output)["files"]} == {"utf-16", "cp1252"}


@pytest.mark.parametrize("stray", [b"\x81", b"\xe9", b"\x92"])
def test_utf8_with_a_stray_byte_is_refused_not_read_as_a_code_page(tmp_path, stray):
    # one damaged byte in a UTF-8 file: read as mac-roman or cp1252, every curly
    # quote would be stored as mojibake ("China‚Äôs") and served as the words said
    raw = (TITLE + BODY).encode("utf-8")
    i = raw.index(b"The ")
    f = tmp_path / "2019-05-06.txt"
    f.write_bytes(raw[:i] + stray + raw[i:])
    with pytest.raises(ParseError) as info:
        parse_file(f)
    assert f.name in str(info.value)
    assert f"0x{stray[0]:02x}" in info.value.reason and "the rest of the file is" in info.value.reason


def test_a_name_in_another_encoding_fails_alone_and_the_rest_go_in(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "2019-05-06.txt").write_text(TITLE + BODY, encoding="utf-8")
    bad = folder / "2019-05-07\udcff.txt"      # the byte 0xff as Python keeps it
    try:
        bad.write_text(TITLE.replace("May 6", "May 7") + BODY, encoding="utf-8")
    except (UnicodeEncodeError, OSError):
        pytest.skip("this file system takes only UTF-8 names")
    r = Retriever.open(tmp_path / "idx", encoder=FakeEncoder())
    report = r.ingest(folder)
    statuses = sorted((f.status, f.reason or "") for f in report.files)
    assert [s for s, _ in statuses] == ["added", "failed"]
    assert "not valid UTF-8" in statuses[1][1]
    assert len(r.search("naïve view of the café", k=3)) >= 1


def test_english_with_gbk_quotes_is_read_as_gbk_not_cp1252(tmp_path):
    # GBK's ’ “ ” are A1AF A1B0 A1B1: as cp1252 they would be stored as "¡¯", "¡°"
    text = ("Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on May 6, 2019"
            "\n\nCCTV: What is China’s comment — on “the report”?\n\n"
            "Geng Shuang: We noted “the report” and Japan’s remarks.\n")
    path = tmp_path / "2019-05-06.txt"
    path.write_bytes(text.encode("gbk"))
    c = parse_file(path)
    assert c.encoding == "gb18030"
    assert [(e.question, e.text) for e in c.exchanges] == [
        ("What is China’s comment — on “the report”?", "We noted “the report” and Japan’s remarks.")]


def test_a_pages_declared_charset_is_honoured(tmp_path):
    body = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
            "<title>Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on "
            "May 6, 2019</title></head><body><div class='content'>"
            "<p>CCTV: What is China’s comment?</p><p>Geng Shuang: We “welcome” it.</p>"
            "<p>中国外交部。</p></div></body></html>")
    path = tmp_path / "2019-05-06.shtml"      # the ministry's own page suffix
    path.write_bytes(body.encode("gbk"))
    c = parse_file(path)
    assert c.encoding == "gb18030"
    assert [(e.question, e.text) for e in c.exchanges if e.kind == "answer"] == [
        ("What is China’s comment?", "We “welcome” it.\n\n中国外交部。")]
