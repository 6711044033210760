; verify=False given to an HTTP client call (requests, httpx, aiohttp sessions).
(call
  function: [
    (identifier) @fn
    (attribute attribute: (identifier) @fn)
  ]
  arguments: (argument_list
    (keyword_argument name: (identifier) @kw value: (false)) @report)
  (#eq? @kw "verify")
  (#any-of? @fn "get" "post" "put" "patch" "delete" "head" "options" "request" "send" "stream" "Client" "AsyncClient" "Session"))

; ssl._create_unverified_context()
(call
  function: (attribute object: (identifier) @module attribute: (identifier) @fn)
  (#eq? @module "ssl")
  (#eq? @fn "_create_unverified_context")) @report

; context.verify_mode = ssl.CERT_NONE
(assignment
  left: (attribute attribute: (identifier) @field)
  right: [
    (attribute attribute: (identifier) @value)
    (identifier) @value
  ]
  (#eq? @field "verify_mode")
  (#eq? @value "CERT_NONE")) @report

