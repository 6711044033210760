; SSLContext.getInstance("SSLv3" | "TLSv1" ...) (the check reads the protocol).
(method_invocation
  object: (_) @class
  name: (identifier) @get
  arguments: (argument_list . (string_literal) @protocol)
  (#eq? @get "getInstance")
  (#match? @class "(^|[.])SSLContext$")) @report
