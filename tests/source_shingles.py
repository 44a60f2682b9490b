"""Fingerprints of the source documents, so that tests can tell whether curated text copies a
source, without the sources' text being kept here.

A *shingle* is a run of SHINGLE_WORDS consecutive words (Latin text) or SHINGLE_CHARACTERS
consecutive Chinese characters; tests/data/source_shingles.json holds a short hash of every
shingle of every source. Regenerate it after adding sources:

    .venv/bin/python -m tests.source_shingles PATH/TO/sources
"""

import hashlib
import json
import re
import sys
from pathlib import Path

SHINGLE_WORDS = 8
SHINGLE_CHARACTERS = 16
DATA = Path(__file__).parent / "data" / "source_shingles.json"
WORD = re.compile(r"[a-z0-9]+")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def digest(text):
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def shingles(text):
    """The hashed shingles of a text: word runs and Chinese character runs."""
    words = WORD.findall(text.casefold())
    found = {
        digest(" ".join(words[i : i + SHINGLE_WORDS]))
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    characters = "".join(CHINESE.findall(text))
    found |= {
        digest(characters[i : i + SHINGLE_CHARACTERS])
        for i in range(len(characters) - SHINGLE_CHARACTERS + 1)
    }
    return found


def load():
    """{source file stem: set of shingle hashes}."""
    return {name: set(values) for name, values in json.loads(DATA.read_text()).items()}


def main(folder):
    table = {
        path.stem: sorted(shingles(path.read_text(encoding="utf-8")))
        for path in sorted(Path(folder).glob("*.txt"))
    }
    DATA.write_text(json.dumps(table, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"{DATA}: {len(table)} sources, {sum(map(len, table.values()))} shingles")


if __name__ == "__main__":
    main(sys.argv[1])
