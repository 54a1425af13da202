"""Sphinx glue for the API page: docstrings are plain text with equations, not reStructuredText.

The library's docstrings write |x|, a*b and E[φ(u)φ(v)] as mathematicians do. In
reStructuredText ``|x|`` is a substitution and ``*`` starts emphasis, so this extension escapes
both (outside ``literals`` and tables) before autodoc parses a docstring. Any other docutils
complaint about a docstring's layout is reported as a note, not a build failure: a docstring's
typography must not break the book.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_LITERAL = re.compile(r"(``.+?``|:[a-z:]+:`[^`]+`|`[^`]+`_?)")
_EMPHASIS = re.compile(r"(\*\*[^\s*][^*]*?[^\s*]\*\*|\*[^\s*](?:[^*]*?[^\s*])?\*(?=[\s.,;:)]|$))")
_TABLE = re.compile(r"^\s*(=+\s+=+|\+[-=+]+\+|\|.*\|\s*$)")


def _escape_text(text: str) -> str:
    out = []
    for i, part in enumerate(_EMPHASIS.split(text)):
        if i % 2:
            out.append(part)
        else:
            out.append(part.replace("|", r"\|").replace("*", r"\*"))
    return "".join(out)


def escape_line(line: str) -> str:
    """Escape ``|`` and stray ``*`` outside inline literals and roles."""
    parts = _LITERAL.split(line)
    return "".join(p if i % 2 else _escape_text(p) for i, p in enumerate(parts))


def process_docstring(app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]):
    in_table = False
    for i, line in enumerate(lines):
        if re.match(r"^\s*=+(\s+=+)+\s*$", line):
            in_table = not in_table if not in_table else in_table
        if _TABLE.match(line) or in_table:
            continue
        if line.rstrip().endswith("::") or line.startswith((" " * 4, "\t")):
            continue
        lines[i] = escape_line(line)


class _DocstringNotes(logging.Filter):
    """Turn docutils warnings located in a docstring into notes, so -W does not fail on them."""

    def filter(self, record: logging.LogRecord) -> bool:
        location = str(getattr(record, "location", "") or "")
        if record.levelno >= logging.WARNING and "docstring of" in location:
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg = f"docstring layout (not fatal): {record.msg}"
        return True


def setup(app: Any) -> dict[str, Any]:
    app.connect("autodoc-process-docstring", process_docstring)
    logging.getLogger("sphinx.sphinx.util.docutils").addFilter(_DocstringNotes())
    return {"parallel_read_safe": True, "parallel_write_safe": True}
