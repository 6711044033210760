; md5.Sum / sha1.Sum / sha256.Sum256 / sha512.Sum512 of a password, or kept as one.
(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @name) @fn
  (#any-of? @package "md5" "sha1" "sha256" "sha512")
  (#match? @name "^Sum")) @report

; h.Sum(nil) of a hasher (the check wants h := md5.New() or SHA's New, and the digest kept or
; checked as a password: user.SetPassword(h.Sum(nil))).
(call_expression
  function: (selector_expression operand: (identifier) field: (field_identifier) @name) @fn
  (#eq? @name "Sum")) @report
