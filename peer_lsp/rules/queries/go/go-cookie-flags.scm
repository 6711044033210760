; http.Cookie{...} / sessions.Options{...} (the check wants Secure and HttpOnly set to true).
(composite_literal
  type: (qualified_type package: (package_identifier) @package name: (type_identifier) @type) @report
  body: (literal_value) @fields
  (#any-of? @package "http" "sessions")
  (#any-of? @type "Cookie" "Options"))
