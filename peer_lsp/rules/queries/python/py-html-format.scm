; HTML text built with `%`, `+`, `.format()` or an f-string from a value of a web request
; (the check: peer_lsp.rules.flow).
[
  (binary_operator) @report
  (string (interpolation)) @report
  (call function: (attribute attribute: (identifier) @method) (#eq? @method "format")) @report
]
