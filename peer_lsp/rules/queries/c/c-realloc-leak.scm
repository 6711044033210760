; p = realloc(p, n)
(assignment_expression
  left: (_) @target
  right: (call_expression
    function: (identifier) @fn
    arguments: (argument_list . (_) @pointer))
  (#any-of? @fn "realloc" "reallocarray" "g_realloc")) @report
