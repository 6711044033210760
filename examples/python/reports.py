"""Sales reports from SQLite.

Syntactically fine; the comments mark real bugs of the kind peer's local rules (and model
reviews) catch: `peer check examples` reports each of them.
"""

import json
import sqlite3


def sales_for(conn: sqlite3.Connection, customer: str) -> list[tuple[int, float]]:
    # Bug: SQL built with string formatting is an injection; pass `customer` as a ? parameter.
    query = "SELECT id, total FROM sales WHERE customer = '%s'" % customer
    return conn.execute(query).fetchall()


def tag_sale(tag, tags=[]):
    # Bug: a mutable default argument; every call without `tags` appends to the same list.
    tags.append(tag)
    return tags


def apply_discount(total, code=None):
    # Bug: comparison with None by `==`; use `is None`.
    if code == None:
        return total
    return round(total * 0.9, 2)


def load_report_config(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    # Bug: a bare `except:` also swallows KeyboardInterrupt and hides malformed JSON.
    except:
        return {}
