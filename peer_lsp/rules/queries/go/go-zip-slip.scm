; filepath.Join(dir, ...) / path.Join(dir, ...) (the check wants an archive entry's name among
; the parts, and no check in the function that the result stays inside dir).
(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @fn)
  (#any-of? @package "filepath" "path")
  (#eq? @fn "Join")) @report
