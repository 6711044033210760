; x === NaN, NaN != x, x == Number.NaN
(binary_expression
  left: (_) @other
  operator: ["==" "===" "!=" "!=="] @op
  right: [
    (identifier) @nan
    (member_expression object: (identifier) @number property: (property_identifier) @nan)
  ]
  (#eq? @nan "NaN")) @report

(binary_expression
  left: [
    (identifier) @nan
    (member_expression object: (identifier) @number property: (property_identifier) @nan)
  ]
  operator: ["==" "===" "!=" "!=="] @op
  right: (_) @other
  (#eq? @nan "NaN")) @report
