; Imports of Java: single-type, on-demand and static imports.

(import_declaration) @import
