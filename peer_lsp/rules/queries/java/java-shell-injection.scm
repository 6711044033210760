; Runtime.exec(...), new ProcessBuilder(...), builder.command(...): the check reads the
; receiver and the command (built at run time, or a shell's -c script that is not constant).
(method_invocation
  name: (identifier) @method
  (#any-of? @method "exec" "command")) @report

(object_creation_expression
  type: (type_identifier) @method
  (#eq? @method "ProcessBuilder")) @report
