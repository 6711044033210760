; md5.New / md5.Sum / sha1.New / sha1.Sum / md4.New / ripemd160.New (the check makes sure the
; package is the broken hash's import, under whatever name).
(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @fn)
  (#any-of? @fn "New" "Sum")) @report
