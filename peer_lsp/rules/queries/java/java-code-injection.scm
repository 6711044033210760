; Script and expression engines given code that is not a constant (the check reads the
; receiver's type and the code argument).
(method_invocation
  object: (_) @receiver
  name: (identifier) @method
  arguments: (argument_list . (_) @code)
  (#any-of? @method "evaluate" "parse" "parseClass" "run" "eval" "parseExpression" "parseRaw")) @report
