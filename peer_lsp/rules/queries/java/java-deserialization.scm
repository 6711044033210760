; new ObjectInputStream(...) / new XMLDecoder(...)
(object_creation_expression
  type: [
    (type_identifier) @type
    (scoped_type_identifier (type_identifier) @type .)
  ]
  (#any-of? @type "ObjectInputStream" "XMLDecoder")) @report
