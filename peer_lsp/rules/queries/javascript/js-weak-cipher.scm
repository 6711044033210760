; crypto.createCipher / createDecipher: deprecated, key from MD5 without salt, no IV.
(call_expression
  function: [
    (identifier) @fn
    (member_expression property: (property_identifier) @fn)
  ] @report
  (#any-of? @fn "createCipher" "createDecipher"))

; crypto.createCipheriv("des-ede3-cbc" | "rc4" | "aes-128-ecb" | "bf-cbc"...)
(call_expression
  function: [
    (identifier) @fn
    (member_expression property: (property_identifier) @fn)
  ]
  arguments: (arguments . (string (string_fragment) @algorithm) @report)
  (#any-of? @fn "createCipheriv" "createDecipheriv")
  (#match? @algorithm "^(?i:des|des-.*|des3|rc2.*|rc4.*|bf|bf-.*|blowfish|cast.*|idea.*|seed.*|.*-ecb|id-aes.*-wrap-pad)$"))
