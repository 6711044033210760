; tls.Config{InsecureSkipVerify: true} (the check wants a value that is true: `true`, `!false`,
; a name given one)
(keyed_element
  key: (literal_element (identifier) @field)
  value: (literal_element (_) @value)
  (#eq? @field "InsecureSkipVerify")) @report

; config.InsecureSkipVerify = true
(assignment_statement
  left: (expression_list (selector_expression field: (field_identifier) @field))
  right: (expression_list (_) @value)
  (#eq? @field "InsecureSkipVerify")) @report
