; A credential-like literal bound to a secret-like name.
(variable_declarator
  name: (identifier) @name
  value: (string) @report
  (#secret-name? @name)
  (#secret-value? @report))

(assignment_expression
  left: [(identifier) (member_expression)] @name
  right: (string) @report
  (#secret-name? @name)
  (#secret-value? @report))

(pair
  key: [(property_identifier) (string)] @name
  value: (string) @report
  (#secret-name? @name)
  (#secret-value? @report))

; A constant handed to a JWT library as the key it signs or checks with (secret_sinks.py).
(call_expression
  function: (member_expression
    object: (identifier) @_lib
    property: (property_identifier) @_fn) @name
  arguments: (arguments . (_) . (_) @key @report)
  (#match? @_lib "^[$_]?([Jj][Ww][TtSs]|jsonwt|jsonwebtoken|jose)$")
  (#any-of? @_fn "sign" "verify"))

; An HMAC keyed with a constant.
(call_expression
  function: (member_expression property: (property_identifier) @_fn) @name
  arguments: (arguments . (_) . (_) @key @report)
  (#eq? @_fn "createHmac"))

; The secret of express-session, express-jwt or a passport strategy.
(pair
  key: (property_identifier) @name
  value: (_) @key @report
  (#any-of? @name "secret" "secretOrKey" "secretOrPrivateKey" "clientSecret" "consumerSecret"))
