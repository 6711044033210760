; Decision points of Go, for cyclomatic complexity (`default` cases add no path).
[
  (if_statement)
  (for_statement)
  (expression_case)
  (type_case)
  (communication_case)
] @branch

(binary_expression operator: ["&&" "||"]) @branch
