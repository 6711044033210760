; SQL text built by interpolation, passed to a query method.
(call_expression
  function: (member_expression property: (property_identifier) @method)
  arguments: (arguments . (_) @report)
  (#any-of? @method "query" "execute" "raw" "exec" "prepare" "run" "all" "get" "each" "$queryRawUnsafe" "$executeRawUnsafe" "sequelize")
  (#interpolated? @report)
  (#sql? @report))
