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

; A constant handed to a JWT library or a MAC as the key it signs or checks with
; (secret_sinks.py): Algorithm.HMAC256("k"), Keys.hmacShaKeyFor(...), signWith(alg, "k").
(method_invocation
  object: (identifier) @_lib
  name: (identifier) @name
  arguments: (argument_list . (_) @key @report)
  (#eq? @_lib "Algorithm")
  (#any-of? @name "HMAC256" "HMAC384" "HMAC512"))

(method_invocation
  name: (identifier) @name
  arguments: (argument_list (_) @key @report .)
  (#any-of? @name "signWith" "setSigningKey"))

(object_creation_expression
  type: (type_identifier) @name
  arguments: (argument_list . (_) @key @report)
  (#eq? @name "SecretKeySpec"))
