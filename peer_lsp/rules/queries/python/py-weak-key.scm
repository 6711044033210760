; Each argument of a key generator is a candidate; the check keeps the key size (or the curve)
; when it is too small: rsa/dsa.generate_private_key, ec.generate_private_key, RSA/DSA.generate.
(call
  function: (attribute object: (identifier) @module attribute: (identifier) @fn)
  arguments: (argument_list (_) @report)
  (#any-of? @fn "generate_private_key" "generate"))
