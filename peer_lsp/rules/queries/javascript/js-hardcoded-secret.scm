; A credential-like literal bound to a secret-like name.
(variable_declarator
  name: (identifier) @name
  value: (string) @report
  (#secret-name? @name)
  (#secret-value? @report))

(assignment_expression
  left: [(identifier) (member_expression)] @name
  right: (string) @report
  (#secret-name? @name)
  (#secret-value? @report))

(pair
  key: [(property_identifier) (string)] @name
  value: (string) @report
  (#secret-name? @name)
  (#secret-value? @report))
