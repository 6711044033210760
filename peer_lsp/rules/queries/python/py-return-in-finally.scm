; return / break / continue directly in a finally block.
(finally_clause
  (block [(return_statement) (break_statement) (continue_statement)] @report))
