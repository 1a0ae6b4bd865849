"""The ancestor's web face, rebuilt for bench/run to measure against.

Flow: at import, an inverted index of Python's unicodedata names (every
named code point from U+0020 up: each word of a name maps to the set of
characters whose name has it) is built in memory; FastAPI serves
GET /search?q=WORDS with the characters whose names have every word,
sorted, as [{"char": ..., "name": ...}], validated by a pydantic model as
the ancestor's response_model was. One uvicorn worker runs it:

    python3 -m uvicorn --app-dir bench web_mojifinder:app --port 8000 --workers 1

Its design follows the classic example mojifinderd descends from (FastAPI,
one index built at start, one endpoint); the code is this project's.
Debian packages: python3-fastapi, python3-uvicorn.
"""
import re
import sys
import unicodedata

from fastapi import FastAPI
from pydantic import BaseModel

# Words of a name or a query: runs of letters and digits, as the ancestor cut them.
WORD = re.compile(r"\w+")


class CharName(BaseModel):
    char: str
    name: str


def build_index():
    """Word (upper case) -> the set of characters whose name has it."""
    words_to_chars = {}
    for code in range(32, sys.maxunicode + 1):
        char = chr(code)
        for word in WORD.findall(unicodedata.name(char, "")):
            words_to_chars.setdefault(word, set()).add(char)
    return words_to_chars


app = FastAPI(title="Mojifinder Web (bench peer)",
              description="Search for Unicode characters by name.")
app.state.index = build_index()


def search_chars(query):
    """The characters whose names have every word of the query."""
    words = WORD.findall(query.upper())
    if not words:
        return set()
    sets = [app.state.index.get(word, set()) for word in words]
    found = set(sets[0])
    for more in sets[1:]:
        found &= more
    return found


@app.get("/search", response_model=list[CharName])
async def search(q: str):
    return ({"char": c, "name": unicodedata.name(c)} for c in sorted(search_chars(q)))
