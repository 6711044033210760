; typeof x === "undefind" (the check knows the eight strings typeof returns).
(binary_expression
  left: (unary_expression operator: "typeof")
  operator: ["==" "===" "!=" "!=="]
  right: (string) @report)

(binary_expression
  left: (string) @report
  operator: ["==" "===" "!=" "!=="]
  right: (unary_expression operator: "typeof"))
