; des.NewCipher / des.NewTripleDESCipher / rc4.NewCipher / blowfish.NewCipher ... (the check
; makes sure the package is the broken cipher's import, under whatever name).
(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @fn)
  (#match? @fn "^New(Cipher|TripleDESCipher|SaltedCipher)$")) @report
