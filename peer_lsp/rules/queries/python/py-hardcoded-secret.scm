; A credential-like literal assigned to, passed as, or keyed by a secret-like name.
(assignment
  left: [(identifier) (attribute)] @name
  right: (string) @report
  (#secret-name? @name)
  (#secret-value? @report))

(keyword_argument
  name: (identifier) @name
  value: (string) @report
  (#secret-name? @name)
  (#secret-value? @report))

(default_parameter
  name: (identifier) @name
  value: (string) @report
  (#secret-name? @name)
  (#secret-value? @report))

(typed_default_parameter
  name: (identifier) @name
  value: (string) @report
  (#secret-name? @name)
  (#secret-value? @report))

(pair
  key: (string) @name
  value: (string) @report
  (#secret-name? @name)
  (#secret-value? @report))

; A constant handed to a JWT or HMAC call as the key it signs or checks with (secret_sinks.py).
(call
  function: (attribute object: (identifier) @_lib attribute: (identifier) @_fn) @name
  arguments: (argument_list . (_) . (_) @key @report)
  (#any-of? @_lib "jwt" "jose" "jws" "pyjwt")
  (#any-of? @_fn "encode" "decode"))

(call
  function: (attribute object: (identifier) @_lib attribute: (identifier) @_fn) @name
  arguments: (argument_list (keyword_argument name: (identifier) @_arg value: (_) @key @report))
  (#any-of? @_lib "jwt" "jose" "jws" "pyjwt")
  (#any-of? @_fn "encode" "decode")
  (#eq? @_arg "key"))

(call
  function: (attribute object: (identifier) @_lib attribute: (identifier) @_fn) @name
  arguments: (argument_list . (_) @key @report)
  (#eq? @_lib "hmac")
  (#any-of? @_fn "new" "digest"))

; The key a framework signs sessions with: app.secret_key, app.config["SECRET_KEY"],
; SECRET_KEY = ... (Django), config.update(SECRET_KEY=...).
(assignment
  left: (_) @name
  right: (_) @key @report
  (#match? @name "(^|[^A-Za-z0-9])([A-Za-z0-9]+_)?(SECRET_KEY|secret_key)[\"']?\\]?$"))

(keyword_argument
  name: (identifier) @name
  value: (_) @key @report
  (#match? @name "^([A-Za-z0-9]+_)?(SECRET_KEY|secret_key)$"))

; A password a function falls back to when it is given none.
([
  (default_parameter name: (identifier) @name value: (string) @key @report)
  (typed_default_parameter name: (identifier) @name value: (string) @key @report)
]
  (#match? @name "^(?:[A-Za-z0-9]+_)?(?:password|passwd|passphrase|pwd)$"))

; A comparison with a credential-like literal.
(comparison_operator
  [(identifier) (attribute)] @name
  (string) @report
  (#secret-name? @name)
  (#secret-value? @report))
