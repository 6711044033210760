; A file opened or sent by a path that carries a value from a web request (the check).
(call
  function: [
    (identifier) @fn
    (attribute attribute: (identifier) @fn)
  ]
  arguments: (argument_list . (_) @path)
  (#any-of? @fn "open" "send_file" "FileResponse")) @report
