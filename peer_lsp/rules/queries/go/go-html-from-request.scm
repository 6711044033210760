; w.Write(data) / fmt.Fprintf(w, format, args...) / io.WriteString(w, s) (the check wants w to
; be the handler's http.ResponseWriter and the text HTML built from the request).
(call_expression
  function: (selector_expression operand: (_) @writer field: (field_identifier) @fn)
  (#eq? @fn "Write")) @report

(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @fn)
  arguments: (argument_list . (_) @writer)
  (#any-of? @package "fmt" "io")
  (#any-of? @fn "Fprintf" "Fprint" "Fprintln" "WriteString")) @report
