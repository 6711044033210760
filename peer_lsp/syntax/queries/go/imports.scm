; Imports of Go: single and grouped import declarations.

(import_declaration) @import
