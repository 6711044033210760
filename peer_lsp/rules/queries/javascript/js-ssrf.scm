; An HTTP client called with a URL (the check wants the URL's start from the request).
(call_expression
  function: (identifier) @client
  arguments: (arguments . (_) @report)
  (#any-of? @client "fetch" "axios" "request" "got" "needle" "superagent" "phin" "ky"))

(call_expression
  function: (member_expression
    object: (identifier) @client
    property: (property_identifier) @method)
  arguments: (arguments . (_) @report)
  (#any-of? @client "axios" "request" "got" "needle" "superagent" "http" "https" "ky" "undici")
  (#any-of? @method "get" "post" "put" "patch" "delete" "del" "head" "options" "request" "fetch"))
