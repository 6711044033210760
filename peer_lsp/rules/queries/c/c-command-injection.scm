; system(cmd) / popen(cmd, mode) with a command that is not a literal.
(call_expression
  function: (identifier) @fn
  arguments: (argument_list . (_) @command)
  (#any-of? @fn "system" "popen" "_popen" "_wsystem")
  (#not-literal? @command)) @report
