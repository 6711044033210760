; Node's vm: vm.runInContext / runInNewContext / runInThisContext / compileFunction /
; new vm.Script (the check wants request input in the code or the context).
(call_expression
  function: (member_expression
    object: (identifier) @module
    property: (property_identifier) @method) @callee @report
  (#eq? @module "vm")
  (#any-of? @method "runInContext" "runInNewContext" "runInThisContext" "compileFunction" "createScript")) @call

(new_expression
  constructor: (member_expression
    object: (identifier) @module
    property: (property_identifier) @method) @callee @report
  (#eq? @module "vm")
  (#eq? @method "Script")) @call

; vm2 and sandbox: new VM({ sandbox }) / new NodeVM(...) / new VMScript(code).
(new_expression
  constructor: (identifier) @callee @report
  (#any-of? @callee "VM" "NodeVM" "VMScript")) @call

; vmInstance.run(code) / new Sandbox().run(code) (the check makes sure the receiver is one).
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @method) @callee
  (#eq? @method "run")) @call @report
