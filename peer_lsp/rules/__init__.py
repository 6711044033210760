"""Local rules: tree-sitter queries with a declaration each, run on the units an edit changed.

- `model`: `Rule` (the declaration: id, languages, category, severity, fixed confidence,
  message, markdown explanation, optional check and fix) and `Match` (what a check sees).
- ``*_rules`` modules: the declarations of each language, as data, with their small checks
  and fixes; ``queries/<grammar>/<rule-id>.scm``: their patterns.
- `catalog`: every rule; `config`: which run and how loud (settings); `predicates`: the
  custom query predicates ``#not-literal?``, ``#interpolated?``, ``#sql?``..., answered by
  the shared checks of `literals`, `sql`, `credentials` and `assignments`, over
  `grammar_nodes` (nodes read alike in every grammar family).
- `compiled`: one query per grammar; `runner`: matches to hits; `fixes`: fix verification;
  `producer`: per-document, per-segment caching (the engine's ``rules`` producer), over the
  `segments` of a document; `placement`: cached hits to findings; `complexity`: cyclomatic
  complexity.
- `docs`: docs/rules.md; `command`: ``peer rules``.
"""
