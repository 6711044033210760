"""Random batches of whole-document and ranged changes, with lone surrogates and edits that
split surrogate pairs, keep the document in step with the editor and equal to a fresh open.

The editor is modelled here independently of peer_lsp: in UTF-16 its text is a string of
UTF-16 code units (a character outside the BMP is two surrogates, which edits may split),
in UTF-8 a string of code points, a lone surrogate taking three bytes. Inserted text goes
through JSON, as on the wire. After every batch:

- the document's text lines up with the editor's unit for unit: equal, or U+FFFD where the
  editor holds a surrogate (in UTF-8, exactly the editor's text with surrogates replaced);
- its tree is that of a fresh parse, or (only if the text has a syntax error and the batch
  was incremental) tree-sitter's error recovery chose differently, as
  test_incremental_property explains;
- its units equal those of a document freshly opened with its text, when the trees agree.
"""

from __future__ import annotations

import json
import re
from array import array

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peer_lsp.documents.store import Document, TextChange
from peer_lsp.text.positions import Encoding

START = 'def f(x):\n    return "😀é"\r\n\nclass K:\n    def m(self):\r        return 1\n'
PIECES = [
    "x", " ", "\n", "\r\n", "\r", "    ", "(", ")", ":", "é", "😀", "中",
    "\ud800", "\udc00", "\ud83d", "\ude00", "def g():\n    pass\n", "# c", '"',
]  # fmt: skip
_LINE = re.compile(r"\r\n|\r|\n")
_SURROGATE = re.compile("[\ud800-\udfff]")


def wire(text: str) -> str:
    """``text`` as the server receives it: JSON joins valid surrogate pairs."""
    decoded: str = json.loads(json.dumps(text))
    return decoded


def utf16_units(text: str) -> str:
    """``text`` as UTF-16 code units, one character each (pairs as two surrogates)."""
    return "".join(map(chr, array("H", text.encode("utf-16-le", "surrogatepass"))))


def editor_text(text: str, encoding: Encoding) -> str:
    return utf16_units(text) if encoding is Encoding.UTF16 else text


def position(text: str, index: int, encoding: Encoding) -> tuple[int, int]:
    """(line, character) of an index into the editor's text, the slow, obvious way."""
    line, line_start = 0, 0
    for match in _LINE.finditer(text):
        if match.end() > index:
            break
        line, line_start = line + 1, match.end()
    prefix = text[line_start:index]
    if encoding is Encoding.UTF8:
        return line, len(prefix.encode("utf-8", "surrogatepass"))
    return line, len(prefix)  # one character per UTF-16 unit in the UTF-16 model


def addressable(text: str, index: int) -> int:
    """LSP cannot address the middle of a CRLF: step back before the CR."""
    if 0 < index < len(text) and text[index - 1] == "\r" and text[index] == "\n":
        return index - 1
    return index


def assert_in_step(document: Document, editor: str, encoding: Encoding) -> None:
    ours = document.text
    if encoding is Encoding.UTF8:
        assert ours == _SURROGATE.sub("\ufffd", editor)
        return
    units = utf16_units(ours)
    assert len(units) == len(editor)
    for mine, theirs in zip(units, editor, strict=True):
        assert mine == theirs or (mine == "\ufffd" and _SURROGATE.match(theirs))


change_strategy = st.one_of(
    st.tuples(st.just("full"), st.lists(st.sampled_from(PIECES), max_size=12).map("".join)),
    st.tuples(
        st.floats(min_value=0, max_value=1),
        st.integers(min_value=0, max_value=6),
        st.lists(st.sampled_from(PIECES), max_size=3).map("".join),
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    encoding=st.sampled_from([Encoding.UTF16, Encoding.UTF8]),
    opening=st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
    batches=st.lists(st.lists(change_strategy, min_size=1, max_size=4), min_size=1, max_size=6),
)
def test_batches_of_full_and_ranged_changes_stay_in_step(
    encoding: Encoding,
    opening: str,
    batches: list[list[tuple[str, str] | tuple[float, int, str]]],
) -> None:
    text = wire(START + opening)
    editor = editor_text(text, encoding)
    document = Document.open("file:///sample.py", text, "python", 0, encoding)
    assert_in_step(document, editor, encoding)
    for version, batch in enumerate(batches, start=1):
        changes: list[TextChange] = []
        for change in batch:
            if len(change) == 2:
                new = wire(change[1])
                changes.append(TextChange(new))
                editor = editor_text(new, encoding)
                continue
            where, length, insert = change
            new = wire(insert)
            start = addressable(editor, round(where * len(editor)))
            end = addressable(editor, min(start + length, len(editor)))
            span = (*position(editor, start, encoding), *position(editor, end, encoding))
            changes.append(TextChange(new, span))
            editor = editor[:start] + editor_text(new, encoding) + editor[end:]

        document.apply_changes(changes, version)

        assert document.version == version
        assert_in_step(document, editor, encoding)
        fresh = Document.open(document.uri, document.text, "python", 0, encoding)
        assert fresh.data == document.data
        assert document.tree is not None
        assert fresh.tree is not None
        if str(document.tree.root_node) != str(fresh.tree.root_node):
            assert all(len(change) == 3 for change in batch), "a full change parses afresh"
            assert fresh.tree.root_node.has_error
            continue
        assert [u.state() for u in document.units] == [u.state() for u in fresh.units]
