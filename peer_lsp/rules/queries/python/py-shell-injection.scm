; subprocess with shell=True and a command built by interpolation.
(call
  function: [
    (identifier) @fn
    (attribute attribute: (identifier) @fn)
  ]
  arguments: (argument_list
    . (_) @report
    (keyword_argument name: (identifier) @kw value: (true)))
  (#any-of? @fn "run" "call" "check_call" "check_output" "Popen")
  (#eq? @kw "shell")
  (#interpolated? @report))

; Functions that always use a shell.
(call
  function: (attribute object: (identifier) @module attribute: (identifier) @fn)
  arguments: (argument_list . (_) @report)
  (#any-of? @module "os" "subprocess" "commands")
  (#any-of? @fn "system" "popen" "getoutput" "getstatusoutput")
  (#interpolated? @report))
