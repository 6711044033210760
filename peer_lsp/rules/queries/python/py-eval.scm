; eval()/exec() of something that is not a literal string; the check also drops a local name
; that only ever held literals (peer_lsp.rules.flow).
(call
  function: (identifier) @fn
  arguments: (argument_list . (_) @code)
  (#any-of? @fn "eval" "exec")
  (#not-literal? @code)) @report
