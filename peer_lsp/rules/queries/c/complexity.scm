; Decision points of C (also read by C++, which adds its own below), for cyclomatic complexity.
[
  (if_statement)
  (for_statement)
  (while_statement)
  (do_statement)
  (conditional_expression)
] @branch

(case_statement value: (_)) @branch
(binary_expression operator: ["&&" "||"]) @branch
