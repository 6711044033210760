; requests.get(...) and friends (the check looks for timeout= and **kwargs).
(call
  function: (attribute object: (identifier) @module attribute: (identifier) @fn)
  (#eq? @module "requests")
  (#any-of? @fn "get" "post" "put" "patch" "delete" "head" "options" "request")) @report
