; Imports of PHP: namespace `use` declarations (not trait `use` inside a class), and
; `require`/`include` in all their forms, as whole statements.

(namespace_use_declaration) @import

(expression_statement
  [
    (require_expression)
    (require_once_expression)
    (include_expression)
    (include_once_expression)
  ]) @import
