; eval(x), new Function(..., x), Function(x) with something that is not a literal.
(call_expression
  function: (identifier) @fn
  arguments: (arguments . (_) @code)
  (#eq? @fn "eval")
  (#not-literal? @code)) @report

([
  (new_expression constructor: (identifier) @fn arguments: (arguments (_) @code))
  (call_expression function: (identifier) @fn arguments: (arguments (_) @code))
] @report
  (#eq? @fn "Function")
  (#not-literal? @code))

; setTimeout("..." + x) / setInterval(`...${x}`): a string of code, built at run time.
(call_expression
  function: [
    (identifier) @fn
    (member_expression property: (property_identifier) @fn)
  ]
  arguments: (arguments . (_) @code)
  (#any-of? @fn "setTimeout" "setInterval")
  (#interpolated? @code)) @report

; window.eval(x) / globalThis.eval(x)
(call_expression
  function: (member_expression
    object: (identifier) @global
    property: (property_identifier) @fn)
  arguments: (arguments . (_) @code)
  (#any-of? @global "window" "globalThis" "self")
  (#eq? @fn "eval")
  (#not-literal? @code)) @report
