; exec.Command("sh", "-c", cmd) / exec.CommandContext(ctx, "bash", "-c", cmd)
(call_expression
  function: (selector_expression
    operand: (identifier) @package
    field: (field_identifier) @fn)
  (#eq? @package "exec")
  (#any-of? @fn "Command" "CommandContext")) @report
