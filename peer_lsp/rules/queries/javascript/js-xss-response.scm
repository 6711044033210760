; res.send(body) / res.write(body) / res.end(body) (the check wants request input in it).
(call_expression
  function: (member_expression
    object: [
      (identifier) @response
      (call_expression function: (member_expression object: (identifier) @response))
    ]
    property: (property_identifier) @method)
  arguments: (arguments . (_) @report)
  (#match? @response "^(res|response|resp)$")
  (#any-of? @method "send" "write" "end"))
