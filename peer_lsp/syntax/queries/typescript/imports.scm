; Imports of TypeScript: ES module imports (`import type` and `import x = require()` too),
; re-exports from another module, and CommonJS `require` calls.

(import_statement) @import

(export_statement source: (_)) @import

([
   (lexical_declaration
     (variable_declarator
       value: (call_expression function: (identifier) @_require)))
   (variable_declaration
     (variable_declarator
       value: (call_expression function: (identifier) @_require)))
   (expression_statement
     (call_expression function: (identifier) @_require))
 ] @import
 (#eq? @_require "require"))
