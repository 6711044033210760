; A query call (the check reads its arguments: SQL text built at run time, or handed in
; unchanged to an API that only takes SQL).
(method_invocation
  name: (identifier) @method
  arguments: (argument_list (_))
  (#any-of? @method "executeQuery" "executeUpdate" "executeLargeUpdate" "execute" "addBatch" "prepareStatement" "prepareCall" "createQuery" "createNativeQuery" "createSQLQuery" "queryForObject" "queryForList" "queryForMap" "queryForRowSet" "queryForInt" "queryForLong" "queryForStream" "query" "update" "batchUpdate" "nativeQuery" "executeBatchUpdate" "newQuery" "setFilter" "setGrouping" "setOrdering" "sqlRestriction" "preparedQuery" "prepare")) @report

; new PreparedStatementCreatorFactory(sql, ...)
(object_creation_expression
  type: (type_identifier) @method
  arguments: (argument_list . (_))
  (#eq? @method "PreparedStatementCreatorFactory")) @report
