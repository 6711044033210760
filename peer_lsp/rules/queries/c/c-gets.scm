; gets(buf)
(call_expression
  function: (identifier) @fn
  (#eq? @fn "gets")) @report
