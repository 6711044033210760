; An argument built by fmt.Sprintf or + that reads like SQL, passed to a query method.
(call_expression
  function: (selector_expression field: (field_identifier) @method)
  arguments: (argument_list (_) @report)
  (#any-of? @method "Query" "QueryRow" "QueryContext" "QueryRowContext" "Exec" "ExecContext" "Prepare" "PrepareContext" "Raw" "Select" "Get" "MustExec" "Queryx" "QueryRowx")
  (#interpolated? @report)
  (#sql? @report))
