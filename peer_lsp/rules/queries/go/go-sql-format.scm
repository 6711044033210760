; An argument passed to a query method or an ORM method taking SQL (Where, ColumnExpr...);
; the check follows it to where it is built and wants SQL text made with fmt.Sprintf, + or +=
; from a part that is not constant.
(call_expression
  function: (selector_expression field: (field_identifier) @method)
  arguments: (argument_list (_) @report)
  (#any-of? @method "Query" "QueryRow" "QueryContext" "QueryRowContext" "Exec" "ExecContext" "Prepare" "PrepareContext" "Raw" "Select" "Get" "MustExec" "Queryx" "QueryRowx" "QueryEx" "QueryRowEx" "ExecEx" "QueryOne" "QueryOneContext" "ExecOne" "ExecOneContext" "QueryxContext" "QueryRowxContext" "MustExecContext" "SelectContext" "GetContext" "NamedExec" "NamedQuery" "Where" "WhereOr" "WhereNot" "ColumnExpr" "OrderExpr" "GroupExpr" "TableExpr" "Having" "Join" "Joins"))
