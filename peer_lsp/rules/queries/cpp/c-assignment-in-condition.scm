; if (x = 5) in C++, whose conditions are condition_clause nodes.
(if_statement
  condition: (condition_clause value: (assignment_expression operator: "=") @report))

(while_statement
  condition: (condition_clause value: (assignment_expression operator: "=") @report))
