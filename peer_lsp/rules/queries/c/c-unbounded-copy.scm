; strcpy(dst, src) / strcat / stpcpy / wcscpy / wcscat with a source that is not a literal.
(call_expression
  function: (identifier) @fn
  arguments: (argument_list . (_) . (_) @source .)
  (#any-of? @fn "strcpy" "strcat" "stpcpy" "wcscpy" "wcscat" "lstrcpy" "lstrcat" "_tcscpy" "_tcscat")) @report

; sprintf(buf, "...%s...", ...) / vsprintf: a %s without precision.
(call_expression
  function: (identifier) @fn
  arguments: (argument_list . (_) . (string_literal) @format (_))
  (#any-of? @fn "sprintf" "vsprintf")) @report
