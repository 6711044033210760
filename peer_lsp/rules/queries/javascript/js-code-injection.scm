; Node's vm: vm.runInContext / runInNewContext / runInThisContext / compileFunction /
; new vm.Script (the check wants request input in the code or the context).
(call_expression
  function: (member_expression
    object: (identifier) @module
    property: (property_identifier) @method) @report
  (#eq? @module "vm")
  (#any-of? @method "runInContext" "runInNewContext" "runInThisContext" "compileFunction" "createScript"))

(new_expression
  constructor: (member_expression
    object: (identifier) @module
    property: (property_identifier) @method) @report
  (#eq? @module "vm")
  (#eq? @method "Script"))
