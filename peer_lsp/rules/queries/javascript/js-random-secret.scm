; Math.random() (the check looks where the value goes).
(call_expression
  function: (member_expression
    object: (identifier) @math
    property: (property_identifier) @fn)
  (#eq? @math "Math")
  (#eq? @fn "random")) @report
