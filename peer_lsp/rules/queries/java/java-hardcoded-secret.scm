; A credential-like literal bound to a secret-like name.
(variable_declarator
  name: (identifier) @name
  value: (string_literal) @report
  (#secret-name? @name)
  (#secret-value? @report))

(assignment_expression
  left: [(identifier) (field_access)] @name
  right: (string_literal) @report
  (#secret-name? @name)
  (#secret-value? @report))

; Algorithm.HMAC256("key") (java-jwt): whatever literal signs the tokens is a key in the code.
(method_invocation
  object: (identifier) @class
  name: (identifier) @name
  arguments: (argument_list . (string_literal) @report)
  (#eq? @class "Algorithm")
  (#match? @name "^HMAC(256|384|512)$"))
