; A credential-like literal bound to a secret-like name.
(short_var_declaration
  left: (expression_list . (identifier) @name .)
  right: (expression_list . [(interpreted_string_literal) (raw_string_literal)] @report .)
  (#secret-name? @name)
  (#secret-value? @report))

(assignment_statement
  left: (expression_list . [(identifier) (selector_expression)] @name .)
  right: (expression_list . [(interpreted_string_literal) (raw_string_literal)] @report .)
  (#secret-name? @name)
  (#secret-value? @report))

([
  (var_spec name: (identifier) @name value: (expression_list . [(interpreted_string_literal) (raw_string_literal)] @report .))
  (const_spec name: (identifier) @name value: (expression_list . [(interpreted_string_literal) (raw_string_literal)] @report .))
]
  (#secret-name? @name)
  (#secret-value? @report))

(keyed_element
  key: (literal_element (identifier) @name)
  value: (literal_element [(interpreted_string_literal) (raw_string_literal)] @report)
  (#secret-name? @name)
  (#secret-value? @report))

; A constant handed to a call as the key it signs or checks with (secret_sinks.py).
(call_expression
  function: (selector_expression field: (field_identifier) @_fn) @name
  arguments: (argument_list . (_) @key @report .)
  (#any-of? @_fn "SignedString" "NewCipher"))

(call_expression
  function: (selector_expression operand: (identifier) @_pkg field: (field_identifier) @_fn) @name
  arguments: (argument_list . (_) . (_) @key @report)
  (#eq? @_pkg "hmac")
  (#eq? @_fn "New"))

; A secret-like string key of a map literal, or a comparison with a secret-like name.
(keyed_element
  key: (literal_element (interpreted_string_literal) @name)
  value: (literal_element [(interpreted_string_literal) (raw_string_literal)] @report)
  (#secret-name? @name)
  (#secret-value? @report))

(binary_expression
  left: [(identifier) (selector_expression)] @name
  operator: ["==" "!="]
  right: [(interpreted_string_literal) (raw_string_literal)] @report
  (#secret-name? @name)
  (#secret-value? @report))

(binary_expression
  left: [(interpreted_string_literal) (raw_string_literal)] @report
  operator: ["==" "!="]
  right: [(identifier) (selector_expression)] @name
  (#secret-name? @name)
  (#secret-value? @report))

; A string shaped like a provider's credential (AWS, GitHub, Google, Slack, Stripe, GitLab,
; a private key), whatever the name it is given.
([
  (short_var_declaration left: (_) @name right: (expression_list [(interpreted_string_literal) (raw_string_literal)] @report))
  (assignment_statement left: (_) @name right: (expression_list [(interpreted_string_literal) (raw_string_literal)] @report))
  (const_spec name: (_) @name value: (expression_list [(interpreted_string_literal) (raw_string_literal)] @report))
  (var_spec name: (_) @name value: (expression_list [(interpreted_string_literal) (raw_string_literal)] @report))
  (keyed_element key: (_) @name value: (literal_element [(interpreted_string_literal) (raw_string_literal)] @report))
  (binary_expression left: (_) @name right: [(interpreted_string_literal) (raw_string_literal)] @report)
]
  (#match? @report "^[\"`](A(KIA|SIA)[A-Z0-9]{16}|gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,}|AIza[0-9A-Za-z_-]{35}|xox[abpors]-[A-Za-z0-9-]{10,}|[rs]k_live_[A-Za-z0-9]{20,}|glpat-[A-Za-z0-9_-]{20}|-----BEGIN ([A-Z]+ )?PRIVATE KEY)"))
