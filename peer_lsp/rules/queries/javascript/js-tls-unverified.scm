; { rejectUnauthorized: false } / { strictSSL: false }
(pair
  key: [(property_identifier) (string)] @key
  value: (false)
  (#match? @key "^[\"']?(rejectUnauthorized|strictSSL)[\"']?$")) @report

; process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0" (or 0)
(assignment_expression
  left: (member_expression property: (property_identifier) @name)
  right: [(string) (number)] @value
  (#eq? @name "NODE_TLS_REJECT_UNAUTHORIZED")
  (#match? @value "^[\"'`]?0[\"'`]?$")) @report

(assignment_expression
  left: (subscript_expression index: (string (string_fragment) @name))
  right: [(string) (number)] @value
  (#eq? @name "NODE_TLS_REJECT_UNAUTHORIZED")
  (#match? @value "^[\"'`]?0[\"'`]?$")) @report
