; http.ListenAndServe / ListenAndServeTLS / Serve / ServeTLS: the package functions serve with
; no timeouts at all.
(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @fn)
  (#eq? @package "http")
  (#any-of? @fn "ListenAndServe" "ListenAndServeTLS" "Serve" "ServeTLS")) @report

; http.Server{...} (the check wants neither ReadHeaderTimeout nor ReadTimeout set).
(composite_literal
  type: (qualified_type package: (package_identifier) @package name: (type_identifier) @fn)
  body: (literal_value) @fields
  (#eq? @package "http")
  (#eq? @fn "Server")) @report
