; el.innerHTML = value / el.outerHTML += value, value not a literal.
(assignment_expression
  left: (member_expression property: (property_identifier) @sink)
  right: (_) @value @report
  (#any-of? @sink "innerHTML" "outerHTML")
  (#not-literal? @value))

(augmented_assignment_expression
  left: (member_expression property: (property_identifier) @sink)
  right: (_) @value @report
  (#any-of? @sink "innerHTML" "outerHTML")
  (#not-literal? @value))

; el.insertAdjacentHTML(where, value)
(call_expression
  function: (member_expression property: (property_identifier) @sink)
  arguments: (arguments . (_) . (_) @value @report)
  (#eq? @sink "insertAdjacentHTML")
  (#not-literal? @value))

; document.write(value) / document.writeln(value)
(call_expression
  function: (member_expression
    object: (identifier) @document
    property: (property_identifier) @sink)
  arguments: (arguments . (_) @value @report)
  (#eq? @document "document")
  (#any-of? @sink "write" "writeln")
  (#not-literal? @value))
