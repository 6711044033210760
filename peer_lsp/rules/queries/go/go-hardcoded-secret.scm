; A credential-like literal bound to a secret-like name.
(short_var_declaration
  left: (expression_list . (identifier) @name .)
  right: (expression_list . [(interpreted_string_literal) (raw_string_literal)] @report .)
  (#secret-name? @name)
  (#secret-value? @report))

(assignment_statement
  left: (expression_list . [(identifier) (selector_expression)] @name .)
  right: (expression_list . [(interpreted_string_literal) (raw_string_literal)] @report .)
  (#secret-name? @name)
  (#secret-value? @report))

([
  (var_spec name: (identifier) @name value: (expression_list . [(interpreted_string_literal) (raw_string_literal)] @report .))
  (const_spec name: (identifier) @name value: (expression_list . [(interpreted_string_literal) (raw_string_literal)] @report .))
]
  (#secret-name? @name)
  (#secret-value? @report))

(keyed_element
  key: (literal_element (identifier) @name)
  value: (literal_element [(interpreted_string_literal) (raw_string_literal)] @report)
  (#secret-name? @name)
  (#secret-value? @report))
