; A request sent over http:// or ftp://, or an FTP session without TLS. The check resolves the
; client (urllib, requests and their sessions, URLopener/OpenerDirector, ftplib) and follows the
; URL through a local name or a parameter's default.
(call
  function: [
    (identifier) @fn
    (attribute attribute: (identifier) @fn)
  ]
  arguments: (argument_list) @args
  (#any-of? @fn "urlopen" "urlretrieve" "Request" "open" "retrieve" "get" "post" "put" "patch" "delete" "head" "options" "request" "FTP")) @report

; The http:// URL given to a local name that such a request then uses (where the fix goes).
(assignment
  left: (identifier) @name
  right: (string) @report)

; The http:// URL given as a parameter's default, which such a request then uses.
(default_parameter
  name: (identifier) @name
  value: (string) @report)
