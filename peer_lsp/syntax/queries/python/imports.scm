; Imports of Python: `import x`, `from x import y`, `from __future__ import z`.

[
  (import_statement)
  (import_from_statement)
  (future_import_statement)
] @import
