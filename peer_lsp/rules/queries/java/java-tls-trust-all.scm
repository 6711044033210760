; checkServerTrusted / checkClientTrusted that does nothing (the whole method is reported).
(method_declaration
  name: (identifier) @name
  body: (block) @body
  (#any-of? @name "checkServerTrusted" "checkClientTrusted")) @report

; getAcceptedIssuers returning null, in a trust manager whose checkServerTrusted is empty.
(method_declaration
  name: (identifier) @name
  body: (block . (return_statement (null_literal)) .) @body
  (#eq? @name "getAcceptedIssuers")) @report

; A HostnameVerifier's verify(String, SSLSession) that returns true.
(method_declaration
  name: (identifier) @name
  parameters: (formal_parameters
    (formal_parameter type: (type_identifier) @first)
    (formal_parameter type: (type_identifier) @second))
  body: (block (return_statement (true))) @body
  (#eq? @name "verify")
  (#eq? @first "String")
  (#eq? @second "SSLSession")) @report

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
