; ctx.search(base, filter, ...) on a JNDI directory context or Spring LdapTemplate (the check
; reads the receiver's type and whether the filter is built at run time).
(method_invocation
  object: (_) @receiver
  name: (identifier) @method
  arguments: (argument_list . (_) . (_) @filter)
  (#eq? @method "search")) @report
