; tls.Config{InsecureSkipVerify: true}
(keyed_element
  key: (literal_element (identifier) @field)
  value: (literal_element (true))
  (#eq? @field "InsecureSkipVerify")) @report

; config.InsecureSkipVerify = true
(assignment_statement
  left: (expression_list (selector_expression field: (field_identifier) @field))
  right: (expression_list (true))
  (#eq? @field "InsecureSkipVerify")) @report
