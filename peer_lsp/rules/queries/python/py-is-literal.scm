; x is "abc", 1 is not x (the check keeps the operator next to the literal).
(comparison_operator
  operators: ["is" "is not"] @op
  [(string) (concatenated_string) (integer) (float)] @literal) @report

(comparison_operator
  [(string) (concatenated_string) (integer) (float)] @literal
  operators: ["is" "is not"] @op) @report
