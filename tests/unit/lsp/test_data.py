"""The typed ``data`` of diagnostics and code actions, read back from whatever a client echoes."""

from __future__ import annotations

import pytest

from peer_lsp.lsp.data import ActionData, DiagnosticData, Do


def test_action_data_survives_the_round_trip() -> None:
    for data in (ActionData("file:///a.py", Do.FIX, "f1"), ActionData("file:///a.py", Do.FIX_ALL)):
        assert ActionData.from_json(data.to_json()) == data


@pytest.mark.parametrize(
    "echoed",
    [
        None,
        "fix",
        [],
        {"uri": "file:///a.py", "do": "fix"},
        {"peer": 2, "uri": "file:///a.py", "do": "fix"},
        {"peer": 1, "uri": 7, "do": "fix"},
        {"peer": 1, "uri": "file:///a.py", "do": "explode"},
        {"peer": 1, "uri": "file:///a.py", "do": ["fix"]},
        {"peer": 1, "uri": "file:///a.py", "do": {"fix": 1}},
        {"peer": 1, "uri": "file:///a.py", "do": "fix", "fingerprint": 3},
        {"peer": [1], "uri": "file:///a.py", "do": "fix"},
    ],
)
def test_anything_but_peers_action_data_reads_as_none(echoed: object) -> None:
    assert ActionData.from_json(echoed) is None


@pytest.mark.parametrize(
    ("echoed", "fingerprint"),
    [
        ({"peer": 1, "fingerprint": "abc"}, "abc"),
        ({"peer": 1, "fingerprint": ["abc"]}, None),
        ({"fingerprint": "abc"}, None),
        ({"peer": {"x": 1}, "fingerprint": "abc"}, None),
        ("abc", None),
    ],
)
def test_the_fingerprint_is_read_only_from_peers_diagnostic_data(
    echoed: object, fingerprint: str | None
) -> None:
    assert DiagnosticData.fingerprint_in(echoed) == fingerprint
