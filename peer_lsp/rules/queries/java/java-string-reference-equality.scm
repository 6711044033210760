; x == "literal" / "literal" != x
(binary_expression
  left: (_) @other
  operator: ["==" "!="] @op
  right: (string_literal) @literal) @report

(binary_expression
  left: (string_literal) @literal
  operator: ["==" "!="] @op
  right: (_) @other) @report
