; http.Redirect(w, r, url, code) (the check wants url built from the request with no fixed
; host or path before it).
(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @fn)
  arguments: (argument_list . (_) . (_) . (_) @url)
  (#eq? @package "http")
  (#eq? @fn "Redirect")) @report
