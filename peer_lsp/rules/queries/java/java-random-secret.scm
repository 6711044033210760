; new Random() / Math.random() / ThreadLocalRandom.current() (the check looks where it goes).
(object_creation_expression
  type: (type_identifier) @type
  (#eq? @type "Random")) @report

(method_invocation
  object: (identifier) @class
  name: (identifier) @fn
  (#eq? @class "Math")
  (#eq? @fn "random")) @report
