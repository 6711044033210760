; except: / except BaseException: (the check drops handlers that re-raise).
(except_clause
  . "except" @report
  . ":"
  (block) @handler)

(except_clause
  . "except"
  . [
    (identifier) @report
    (as_pattern . (identifier) @report)
  ]
  (block) @handler
  (#eq? @report "BaseException"))
