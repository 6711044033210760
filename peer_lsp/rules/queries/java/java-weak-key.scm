; KeyPairGenerator.getInstance("RSA") / KeyGenerator.getInstance("Blowfish"): the check looks
; for the generator's initialize(bits) / init(bits) with too few bits.
(method_invocation
  object: (_) @class
  name: (identifier) @get
  arguments: (argument_list . (string_literal) @algorithm)
  (#eq? @get "getInstance")
  (#match? @class "(^|[.])(KeyPairGenerator|KeyGenerator)$")) @report
