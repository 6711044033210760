; tls.Config{MinVersion: ..., MaxVersion: ..., CipherSuites: ...} and cfg.MinVersion = ...
; (the check reads the version or the suites).
(keyed_element
  key: (literal_element (identifier) @field)
  value: (literal_element (_) @value)
  (#any-of? @field "MinVersion" "MaxVersion" "CipherSuites")) @report

(assignment_statement
  left: (expression_list (selector_expression field: (field_identifier) @field))
  right: (expression_list (_) @value)
  (#any-of? @field "MinVersion" "MaxVersion" "CipherSuites")) @report
