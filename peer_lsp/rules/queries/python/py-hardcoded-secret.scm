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
