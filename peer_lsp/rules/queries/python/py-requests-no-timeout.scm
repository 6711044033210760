; requests.get(...) and friends (the check looks for timeout= and **kwargs); httpx calls and
; clients, whose default timeout the check only reports when switched off (timeout=None).
(call
  function: (attribute object: (identifier) @module attribute: (identifier) @fn)
  (#any-of? @module "requests" "httpx")
  (#any-of? @fn "get" "post" "put" "patch" "delete" "head" "options" "request" "stream" "Client" "AsyncClient")) @report
