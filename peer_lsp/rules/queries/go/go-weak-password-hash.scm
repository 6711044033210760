; md5.Sum / sha1.Sum / sha256.Sum256 / sha512.Sum512 of a password.
(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @name) @fn
  (#any-of? @package "md5" "sha1" "sha256" "sha512")
  (#match? @name "^Sum")) @report
