"""Rules on a string built from thousands of ``+`` operands: one tree level per operand, so a
recursive walk raised RecursionError and the document lost all its rule findings."""

from __future__ import annotations

from peer_lsp.analysis.engine import Engine

OPERANDS = 1_500
"""Deeper than Python's recursion limit (1,000), within the query budget (2,000 levels)."""


def test_sql_built_from_a_long_concatenation_is_found() -> None:
    chain = " + ".join(["name"] * OPERANDS)
    query = f'"SELECT * FROM t WHERE n = " + {chain}'
    source = f"def find(cursor, name):\n    cursor.execute({query})\n"
    engine = Engine()
    engine.open("file:///long.py", source, "python", 1)

    rules = {f.rule_id for f in engine.findings("file:///long.py")}

    assert "py-sql-format" in rules


def test_java_sql_built_from_a_long_concatenation_is_found() -> None:
    chain = " + ".join(["name"] * OPERANDS)
    source = (
        "class Users {\n"
        "  void find(Statement stmt, String name) throws Exception {\n"
        f'    String sql = "SELECT * FROM t WHERE n = " + {chain};\n'
        "    stmt.execute(sql);\n"
        "  }\n"
        "}\n"
    )
    engine = Engine()
    engine.open("file:///Long.java", source, "java", 1)

    rules = {f.rule_id for f in engine.findings("file:///Long.java")}

    assert "java-sql-format" in rules
