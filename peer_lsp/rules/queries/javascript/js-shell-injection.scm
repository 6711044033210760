; child_process exec/execSync with a command built at run time (the check makes sure the
; callee is child_process's, not RegExp.prototype.exec).
(call_expression
  function: [
    (identifier) @name
    (member_expression property: (property_identifier) @name)
  ] @callee
  arguments: (arguments . (_) @report)
  (#any-of? @name "exec" "execSync"))

; spawn(cmd, args, { shell: true }) with cmd built at run time.
(call_expression
  function: [
    (identifier) @name
    (member_expression property: (property_identifier) @name)
  ] @callee
  arguments: (arguments
    . (_) @report
    (object (pair key: (property_identifier) @key value: (true))))
  (#any-of? @name "spawn" "spawnSync" "execFile" "execFileSync")
  (#eq? @key "shell"))

; spawn("bash", ["-c", cmd]) / spawn(shell, [script]): a shell given a command that is not a
; constant (the check follows the program's name to its value).
(call_expression
  function: [
    (identifier) @name
    (member_expression property: (property_identifier) @name)
  ] @callee
  arguments: (arguments . (_) @program . (array) @report)
  (#any-of? @name "spawn" "spawnSync" "execFile" "execFileSync"))
