; SQL text passed to a query method (the check wants it built at run time: `+`, `+=`,
; a template literal, `concat`, `util.format`, directly or through local names).
(call_expression
  function: (member_expression property: (property_identifier) @method)
  arguments: (arguments . (_) @report)
  (#any-of? @method "query" "execute" "raw" "exec" "prepare" "run" "all" "get" "each" "$queryRawUnsafe" "$executeRawUnsafe" "sequelize"))

; conn.query({ sql: text, ... }) (mysql2's options form).
(call_expression
  function: (member_expression property: (property_identifier) @method)
  arguments: (arguments . (object (pair key: (property_identifier) @key value: (_) @report)))
  (#any-of? @method "query" "execute")
  (#eq? @key "sql"))
