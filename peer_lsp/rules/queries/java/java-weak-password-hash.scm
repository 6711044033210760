; MessageDigest.getInstance("MD5" | "SHA-1" | "SHA-256" ...) (the check reads the method).
(method_invocation
  object: (identifier) @class
  name: (identifier) @get
  arguments: (argument_list . (string_literal (string_fragment) @algorithm))
  (#eq? @class "MessageDigest")
  (#eq? @get "getInstance")
  (#match? @algorithm "^(?i:md2|md5|sha|sha-?1|sha-?224|sha-?256|sha-?384|sha-?512)$")) @report
