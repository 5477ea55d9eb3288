"""Normalising and cutting product text: the first step of indexing and of every query.

Every string is NFKC-normalised (full-width letters and digits become ASCII, "ＩＵ"
becomes "iu"), lower-cased, and its traditional Chinese characters are mapped to
simplified ones with OpenCC, so "維生素" and "维生素" are the same word. Chinese is
cut into words with jieba (the rjieba build); everything else is cut at anything that
is not a letter or a digit.
"""

from __future__ import annotations

import re
import unicodedata

import opencc
import rjieba

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{_HAN}]")
# a run of Chinese characters, or of letters and digits of any other script
_RUN_RE = re.compile(f"[{_HAN}]+|[^\\W_{_HAN}]+")
_HAN_RUN_RE = re.compile(f"[{_HAN}]+")
_LATIN_RE = re.compile(f"[^\\W_{_HAN}]+")
# Chinese marketplace titles lead with bracketed tags: 【美国直邮】, [现货]
_TAG_RE = re.compile(r"【[^】]*】|\[[^\]]*\]")

_t2s = None


def _converter() -> opencc.OpenCC:
    global _t2s
    if _t2s is None:
        _t2s = opencc.OpenCC("t2s")
    return _t2s


def is_han(text: str) -> bool:
    """Whether `text` contains a Chinese character."""
    return HAN_RE.search(text) is not None


def normalize(text: str) -> str:
    """NFKC, lower case, traditional Chinese to simplified; whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    if is_han(text):
        text = _converter().convert(text)
    return " ".join(text.split())


def strip_tags(text: str) -> str:
    """`text` without bracketed marketing tags such as 【美国直邮】."""
    return " ".join(_TAG_RE.sub(" ", text).split())


def han_runs(text: str) -> list[str]:
    """The runs of consecutive Chinese characters in `text`, in order."""
    return _HAN_RUN_RE.findall(text)


def latin_words(text: str) -> list[str]:
    """Runs of letters and digits that are not Chinese ("spf50", "d3", "café")."""
    return _LATIN_RE.findall(text)


def chinese_words(run: str, *, search_mode: bool) -> list[str]:
    """jieba's words of a run of Chinese characters.

    Search mode also gives the shorter words inside long ones ("维生", "维生素"), which
    is what an index wants; a query is cut precisely (`search_mode=False`).
    """
    cut = rjieba.cut_for_search(run) if search_mode else rjieba.cut(run)
    return [w for w in cut if is_han(w)]


def chinese_tokens(run: str, *, search_mode: bool) -> list[tuple[str, int, int]]:
    """jieba's words of a run of Chinese characters with their (start, end) offsets."""
    return [
        (word, start, end)
        for word, start, end in rjieba.tokenize(run, mode="search" if search_mode else "default")
        if is_han(word)
    ]


def bigrams(run: str) -> list[str]:
    """Overlapping pairs of characters: "鱼油软胶囊" -> 鱼油 油软 软胶 胶囊.

    jieba may not cut a run where a shopper's word starts ("深海鱼油" is cut 深海鱼 / 油),
    so the index also holds every pair, and a query word jieba does not know is
    looked for as all of its pairs.
    """
    return [run[i : i + 2] for i in range(len(run) - 1)]


def runs(text: str) -> list[str]:
    """Chinese runs and latin words of normalised `text`, in their order."""
    return _RUN_RE.findall(text)
