; x == None, None != x (the check keeps the operator that stands next to the None).
(comparison_operator
  operators: ["==" "!="] @op
  (none) @none) @report

(comparison_operator
  (none) @none
  operators: ["==" "!="] @op) @report
