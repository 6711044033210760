; cookie.setSecure(false) / cookie.setHttpOnly(false)
(method_invocation
  name: (identifier) @method
  arguments: (argument_list . (false) .)
  (#any-of? @method "setSecure" "setHttpOnly")) @report

; response.addCookie(cookie) for a cookie made in this method without both flags (the check
; reads what was called on it).
(method_invocation
  name: (identifier) @method
  arguments: (argument_list . (identifier) @cookie .)
  (#eq? @method "addCookie")) @report
