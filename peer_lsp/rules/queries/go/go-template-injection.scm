; tmpl.Parse(text) / template.New(name).Parse(text) (the check wants text built from the
; request being handled).
(call_expression
  function: (selector_expression field: (field_identifier) @fn)
  arguments: (argument_list . (_) @text .)
  (#eq? @fn "Parse")) @report
