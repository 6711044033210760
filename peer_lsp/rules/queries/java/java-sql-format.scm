; SQL text built by concatenation or String.format, passed to a JDBC/JPA/Spring query method.
(method_invocation
  name: (identifier) @method
  arguments: (argument_list (_) @report)
  (#any-of? @method "executeQuery" "executeUpdate" "executeLargeUpdate" "execute" "addBatch" "prepareStatement" "prepareCall" "createQuery" "createNativeQuery" "createSQLQuery" "queryForObject" "queryForList" "queryForMap" "queryForRowSet" "query" "update" "batchUpdate" "nativeQuery")
  (#interpolated? @report)
  (#sql? @report))
