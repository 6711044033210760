; new ObjectInputStream(...) / new XMLDecoder(...)
(object_creation_expression
  type: [
    (type_identifier) @type
    (scoped_type_identifier (type_identifier) @type .)
  ]
  (#any-of? @type "ObjectInputStream" "XMLDecoder")) @report

; SnakeYAML without a SafeConstructor: new Yaml() (load builds any class the document names)
(object_creation_expression
  type: (type_identifier) @type
  arguments: (argument_list . ")")
  (#eq? @type "Yaml")) @report

; Jackson polymorphic typing by class name: mapper.enableDefaultTyping() / activateDefaultTyping(...)
(method_invocation
  name: (identifier) @type
  (#any-of? @type "enableDefaultTyping" "activateDefaultTyping" "enableDefaultTypingAsProperty")) @report

; @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS | MINIMAL_CLASS)
(annotation
  name: (identifier) @type
  arguments: (annotation_argument_list
    (element_value_pair
      key: (identifier) @key
      value: [
        (field_access field: (identifier) @id)
        (identifier) @id
      ]))
  (#eq? @type "JsonTypeInfo")
  (#eq? @key "use")
  (#any-of? @id "CLASS" "MINIMAL_CLASS")) @report
