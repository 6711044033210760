; exec.Command(name, ...) / exec.CommandContext(ctx, "bash", "-c", cmd) /
; syscall.Exec(path, argv, env) / syscall.ForkExec / syscall.StartProcess
(call_expression
  function: (selector_expression
    operand: (identifier) @package
    field: (field_identifier) @fn)
  (#any-of? @package "exec" "syscall")
  (#any-of? @fn "Command" "CommandContext" "Exec" "ForkExec" "StartProcess")) @report

; &exec.Cmd{Path: path, Args: []string{"sh", "-c", cmd}}
(composite_literal
  type: (qualified_type
    package: (package_identifier) @package
    name: (type_identifier) @fn)
  (#eq? @package "exec")
  (#eq? @fn "Cmd")) @report
