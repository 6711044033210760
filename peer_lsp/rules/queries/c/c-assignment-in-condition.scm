; if (x = 5), while (x = y): an assignment right inside the condition's parentheses.
(if_statement
  condition: (parenthesized_expression (assignment_expression operator: "=") @report))

(while_statement
  condition: (parenthesized_expression (assignment_expression operator: "=") @report))
