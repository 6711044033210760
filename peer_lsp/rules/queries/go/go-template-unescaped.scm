; template.HTML(x) / template.JS(x) / template.URL(x) ... (the check makes sure the package is
; html/template and x is not a constant).
(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @fn)
  arguments: (argument_list . (_) @value .)
  (#any-of? @fn "HTML" "HTMLAttr" "JS" "JSStr" "URL" "CSS" "Srcset")) @report
