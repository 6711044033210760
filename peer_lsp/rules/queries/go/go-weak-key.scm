; rsa.GenerateKey(random, bits) / rsa.GenerateMultiPrimeKey(random, primes, bits): the check
; reads the bits (a constant under 2048) and makes sure the package is crypto/rsa.
(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @fn)
  arguments: (argument_list (_) @bits .)
  (#any-of? @fn "GenerateKey" "GenerateMultiPrimeKey")) @report

; dsa.GenerateParameters(params, random, dsa.L1024N160): the only size under 2048 bits.
(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @fn)
  arguments: (argument_list (_) @bits .)
  (#eq? @fn "GenerateParameters")) @report
