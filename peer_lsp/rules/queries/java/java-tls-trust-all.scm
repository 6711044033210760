; checkServerTrusted / checkClientTrusted that does nothing.
(method_declaration
  name: (identifier) @report
  body: (block) @body
  (#any-of? @report "checkServerTrusted" "checkClientTrusted"))

; A HostnameVerifier's verify(String, SSLSession) that returns true.
(method_declaration
  name: (identifier) @report
  parameters: (formal_parameters
    (formal_parameter type: (type_identifier) @first)
    (formal_parameter type: (type_identifier) @second))
  body: (block (return_statement (true))) @body
  (#eq? @report "verify")
  (#eq? @first "String")
  (#eq? @second "SSLSession"))

; setHostnameVerifier((host, session) -> true)
(method_invocation
  name: (identifier) @setter
  arguments: (argument_list (lambda_expression body: (true)) @report)
  (#any-of? @setter "setHostnameVerifier" "setDefaultHostnameVerifier" "hostnameVerifier"))

; NoopHostnameVerifier / ALLOW_ALL_HOSTNAME_VERIFIER
([
  (object_creation_expression type: (type_identifier) @name)
  (field_access field: (identifier) @name)
] @report
  (#any-of? @name "NoopHostnameVerifier" "INSTANCE_NOOP" "ALLOW_ALL_HOSTNAME_VERIFIER" "AllowAllHostnameVerifier"))
