; Runtime.getRuntime().exec(command built at run time)
(method_invocation
  object: (method_invocation
    object: (identifier) @runtime
    name: (identifier) @get)
  name: (identifier) @exec
  arguments: (argument_list . (_) @command)
  (#eq? @runtime "Runtime")
  (#eq? @get "getRuntime")
  (#eq? @exec "exec")
  (#interpolated? @command)) @report

; new ProcessBuilder("sh", "-c", command built at run time) (the check reads the arguments)
(object_creation_expression
  type: (type_identifier) @type
  (#eq? @type "ProcessBuilder")) @report
