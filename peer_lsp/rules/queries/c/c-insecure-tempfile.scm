; tmpnam() / tempnam() / mktemp()
(call_expression
  function: (identifier) @fn
  (#any-of? @fn "tmpnam" "tmpnam_r" "tempnam" "mktemp" "_mktemp")) @report
