"""The one tokenizer of the lexical side: index tokens as FTS5 makes them, and
the content words of a user's question that BM25 should match."""
from __future__ import annotations

import re
import threading
import unicodedata

# Words that carry no topic in a question to a foreign ministry; dropping them
# keeps BM25 from rewarding replies that merely say "China" or "said".
STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for
from further had has have having he her here hers herself him himself his how i if in
into is it its itself just me more most my myself no nor not now of off on once only or
other our ours ourselves out over own same she should so some such than that the their
theirs them themselves then there these they this those through to too under until up
very was we were what when where which while who whom why will with would you your
yours yourself yourselves say said says tell told comment comments respond response
responded react reaction china chinese china's beijing ministry spokesperson foreign
position view think regarding
""".split())

_WORD = re.compile(r"[^\W_]+")
_local = threading.local()
_TOKEN = re.compile(r"[\w'’-]+", re.UNICODE)
MAX_TERMS = 32


def query_terms(question: str) -> list[str]:
    """Distinct content words in order, at most MAX_TERMS (a 100k-character
    question must not become a 100k-term query)."""
    seen: dict[str, None] = {}
    for tok in _TOKEN.findall(question.lower()):
        tok = tok.strip("'’-")
        if len(tok) < 2 or tok in STOPWORDS or tok in seen:
            continue
        seen[tok] = None
        if len(seen) >= MAX_TERMS:
            break
    return list(seen)


def tokens(text: str) -> list[str]:
    """Lower-cased, accent-free, Porter-stemmed words, as FTS5's
    'porter unicode61 remove_diacritics 2' tokenizer makes them."""
    text = text.lower()
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:  # PyStemmer objects are not thread-safe: one per thread
        import Stemmer
        stemmer = _local.stemmer = Stemmer.Stemmer("porter")
    words = _WORD.findall(text)
    # FTS5's porter leaves words shorter than 3 or longer than 64 characters as they are
    return [s if 3 <= len(w) <= 64 else w for w, s in zip(words, stemmer.stemWords(words))]


def query_tokens(question: str) -> list[str]:
    """The question's content words as index tokens, once each."""
    return list(dict.fromkeys(t for term in query_terms(question) for t in tokens(term)))
