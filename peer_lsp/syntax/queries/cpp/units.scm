; Units of C++: functions and methods with a body (out-of-class ones named by their qualified name), and classes, structs, unions, enums and namespaces (as classes).

; The name sits under the declarators of the return type: `f()`, `*f()`, `&f()`, `**f()`. An
; out-of-class definition `void Foo::bar() {}` is named `Foo::bar`; `~Foo` and `operator==` keep
; their spelling; `template <...>` before a definition belongs to the unit.
(template_declaration
  (function_definition
    declarator: [
      (function_declarator
        declarator: [
          (identifier) (field_identifier) (qualified_identifier)
          (destructor_name) (operator_name) (template_function)
        ] @name)
      (pointer_declarator
        declarator: (function_declarator
          declarator: [
            (identifier) (field_identifier) (qualified_identifier)
            (operator_name) (template_function)
          ] @name))
      (reference_declarator
        (function_declarator
          declarator: [
            (identifier) (field_identifier) (qualified_identifier)
            (operator_name) (template_function)
          ] @name))
    ]
    body: (_))) @definition.function

(function_definition
  declarator: [
    (function_declarator
      declarator: [
        (identifier) (field_identifier) (qualified_identifier)
        (destructor_name) (operator_name) (template_function)
      ] @name)
    (pointer_declarator
      declarator: (function_declarator
        declarator: [
          (identifier) (field_identifier) (qualified_identifier)
          (operator_name) (template_function)
        ] @name))
    (pointer_declarator
      declarator: (pointer_declarator
        declarator: (function_declarator
          declarator: [(identifier) (field_identifier) (qualified_identifier)] @name)))
    (reference_declarator
      (function_declarator
        declarator: [
          (identifier) (field_identifier) (qualified_identifier)
          (operator_name) (template_function)
        ] @name))
  ]
  body: (_)) @definition.function

; Classes and other containers with a body; `template <...>` before one belongs to the unit.
(template_declaration
  [
    (class_specifier name: (_) @name body: (_))
    (struct_specifier name: (_) @name body: (_))
    (union_specifier name: (_) @name body: (_))
  ]) @definition.class

[
  (class_specifier name: (_) @name body: (_))
  (struct_specifier name: (_) @name body: (_))
  (union_specifier name: (_) @name body: (_))
  (enum_specifier name: (_) @name body: (_))
] @definition.class

; `namespace a::b {}` is named `a::b`; an anonymous namespace is not a unit.
(namespace_definition name: (_) @name body: (_)) @definition.class
