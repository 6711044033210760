; A credential-like literal bound to a secret-like name.
(variable_declarator
  name: (identifier) @name
  value: (string_literal) @report
  (#secret-name? @name)
  (#secret-value? @report))

(assignment_expression
  left: [(identifier) (field_access)] @name
  right: (string_literal) @report
  (#secret-name? @name)
  (#secret-value? @report))
