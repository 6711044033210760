; Broken ciphers and ECB mode: cryptography's algorithms.ARC4(...)/modes.ECB(...), PyCryptodome's
; DES.new(...), ARC4.new(...), XOR.new(...) (the check resolves import aliases).
(call
  function: [
    (identifier) @fn
    (attribute object: (_) @module attribute: (identifier) @fn)
  ]
  (#any-of? @fn "ARC4" "IDEA" "Blowfish" "CAST5" "SEED" "ECB" "new")) @report

; A mode constant naming ECB given to a cipher: AES.new(key, AES.MODE_ECB).
(call
  arguments: (argument_list
    (attribute attribute: (identifier) @mode) @report)
  (#eq? @mode "MODE_ECB"))
