; SQL text built by formatting, passed to an execute-like method (directly or via a local).
(call
  function: (attribute attribute: (identifier) @method)
  arguments: (argument_list . (_) @report)
  (#any-of? @method "execute" "executemany" "executescript" "raw" "mogrify" "read_sql" "read_sql_query" "fetch" "fetchrow" "fetchval" "cursor" "run" "fetch_all" "fetch_one" "fetch_val")
  (#interpolated? @report)
  (#sql? @report))

; The same with a comment before the SQL (a label or a note on its own line).
(call
  function: (attribute attribute: (identifier) @method)
  arguments: (argument_list . (comment) . (_) @report)
  (#any-of? @method "execute" "executemany" "executescript" "raw" "mogrify" "read_sql" "read_sql_query" "fetch" "fetchrow" "fetchval" "cursor" "run" "fetch_all" "fetch_one" "fetch_val")
  (#interpolated? @report)
  (#sql? @report))
