; subprocess with shell=True. The check keeps a command interpolated at the call, or a local
; name whose value was built from something not constant (peer_lsp.rules.flow).
(call
  function: [
    (identifier) @fn
    (attribute attribute: (identifier) @fn)
  ]
  arguments: (argument_list
    . (_) @report
    (keyword_argument name: (identifier) @kw value: (true)))
  (#any-of? @fn "run" "call" "check_call" "check_output" "Popen")
  (#eq? @kw "shell"))

; Functions that always use a shell; the same check.
(call
  function: (attribute object: (identifier) @module attribute: (identifier) @fn)
  arguments: (argument_list . (_) @report)
  (#any-of? @module "os" "subprocess" "commands")
  (#any-of? @fn "system" "popen" "popen2" "popen3" "popen4" "getoutput" "getstatusoutput"))

; subprocess without shell=True: a command line given as one built string, a list whose
; program is a shell given `-c` and a built command, or a program taken from input (the check).
(call
  function: (attribute object: (identifier) @module attribute: (identifier) @fn)
  arguments: (argument_list . (_) @report) @plain
  (#eq? @module "subprocess")
  (#any-of? @fn "run" "call" "check_call" "check_output" "Popen" "capture_output"))

; asyncio: create_subprocess_shell(cmd) and loop.subprocess_shell(factory, cmd).
(call
  function: [
    (identifier) @fn
    (attribute attribute: (identifier) @fn)
  ]
  arguments: (argument_list . (_) @report)
  (#eq? @fn "create_subprocess_shell"))

(call
  function: (attribute attribute: (identifier) @fn)
  arguments: (argument_list . (_) . (_) @report)
  (#eq? @fn "subprocess_shell"))
