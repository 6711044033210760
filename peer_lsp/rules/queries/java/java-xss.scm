; Writing to the servlet response: response.getWriter().print(...) or a PrintWriter taken from
; it (the check looks for request text in what is written).
(method_invocation
  object: (_) @writer
  name: (identifier) @api
  (#any-of? @api "write" "print" "println" "printf" "format" "append")) @report
