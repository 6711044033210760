; jwt.decode with signature verification turned off.
(call
  function: (attribute object: (identifier) @module attribute: (identifier) @fn)
  arguments: (argument_list
    (keyword_argument
      name: (identifier) @kw
      value: (dictionary
        (pair key: (string (string_content) @key) value: (false)) @report)))
  (#eq? @module "jwt")
  (#eq? @fn "decode")
  (#eq? @kw "options")
  (#eq? @key "verify_signature"))

(call
  function: (attribute object: (identifier) @module attribute: (identifier) @fn)
  arguments: (argument_list
    (keyword_argument name: (identifier) @kw value: (false)) @report)
  (#eq? @module "jwt")
  (#eq? @fn "decode")
  (#eq? @kw "verify"))

; The options built first: opts = {"verify_signature": False} (or a name holding False).
(assignment
  right: (dictionary
    (pair key: (string (string_content) @key) value: (_) @value) @report)
  (#eq? @key "verify_signature"))
