; scanf("%s", buf) / fscanf(f, "%s", buf) / sscanf(s, "%s", buf): the format's %s.
(call_expression
  function: (identifier) @fn
  arguments: (argument_list . (string_literal) @report)
  (#any-of? @fn "scanf" "wscanf" "vscanf"))

(call_expression
  function: (identifier) @fn
  arguments: (argument_list . (_) . (string_literal) @report)
  (#any-of? @fn "fscanf" "sscanf" "fwscanf" "swscanf" "vfscanf" "vsscanf"))
