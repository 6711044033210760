; ssh.InsecureIgnoreHostKey() (golang.org/x/crypto/ssh): a host key callback that accepts any
; key (the check makes sure the package is that import, under whatever name).
(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @fn)
  arguments: (argument_list)
  (#eq? @fn "InsecureIgnoreHostKey")) @report
