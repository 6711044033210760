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


; cert_reqs=ssl.CERT_NONE / CERT_OPTIONAL / "NONE" given to wrap_socket, urllib3 pools and the like.
(keyword_argument
  name: (identifier) @kw
  value: [
    (attribute attribute: (identifier) @value)
    (identifier) @value
    (string (string_content) @value)
  ]
  (#eq? @kw "cert_reqs")
  (#any-of? @value "CERT_NONE" "CERT_OPTIONAL" "NONE" "OPTIONAL")) @report

; ssl._create_default_https_context = ssl._create_unverified_context (every HTTPS client).
(assignment
  left: (attribute attribute: (identifier) @field)
  right: (attribute attribute: (identifier) @value)
  (#eq? @field "_create_default_https_context")
  (#eq? @value "_create_unverified_context")) @report
