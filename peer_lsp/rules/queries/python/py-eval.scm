; eval()/exec() of something that is not a literal string.
(call
  function: (identifier) @fn
  arguments: (argument_list . (_) @code)
  (#any-of? @fn "eval" "exec")
  (#not-literal? @code)) @report
