; Cipher.getInstance("DES/...") / KeyGenerator.getInstance("RC4") (the check reads the
; algorithm) and new NullCipher().
(method_invocation
  object: (_) @class
  name: (identifier) @get
  arguments: (argument_list . (string_literal) @algorithm)
  (#eq? @get "getInstance")
  (#match? @class "(^|[.])(Cipher|KeyGenerator)$")) @report

(object_creation_expression
  type: [(type_identifier) (scoped_type_identifier)] @algorithm
  (#match? @algorithm "(^|[.])NullCipher$")) @report
