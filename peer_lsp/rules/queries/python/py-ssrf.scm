; A request whose URL starts with a value from outside (the check: peer_lsp.rules.flow).
(call
  function: [
    (identifier) @fn
    (attribute attribute: (identifier) @fn)
  ]
  arguments: (argument_list) @args
  (#any-of? @fn "urlopen" "urlretrieve" "Request" "open" "retrieve" "get" "post" "put" "patch" "delete" "head" "options" "request" "stream")) @report

; A URL built with a value from outside right after "scheme://": the value picks the host.
[
  (binary_operator) @built
  (augmented_assignment) @built
  (string (interpolation)) @built
  (call function: (attribute attribute: (identifier) @method) (#eq? @method "format")) @built
] @report
