; node-serialize's unserialize / serialize-to-js's deserialize of a value that is not a
; constant (the check makes sure the receiver is that package).
(call_expression
  function: (member_expression
    object: (identifier) @module
    property: (property_identifier) @method)
  arguments: (arguments . (_) @value)
  (#any-of? @method "unserialize" "deserialize")
  (#not-literal? @value)) @report
