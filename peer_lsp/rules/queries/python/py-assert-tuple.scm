; assert (condition, "message"): a non-empty tuple is always true.
(assert_statement
  .
  (tuple (_)) @report)
