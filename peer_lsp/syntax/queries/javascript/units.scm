; Units of JavaScript: functions, classes, methods, and function values bound to a name (export wrappers included).

; Exported declarations: the `export` keyword belongs to the unit.
(export_statement
  declaration: [
    (function_declaration name: (identifier) @name)
    (generator_function_declaration name: (identifier) @name)
  ]) @definition.function

(export_statement
  declaration: (class_declaration name: (identifier) @name)) @definition.class

(export_statement
  declaration: (lexical_declaration
    .
    (variable_declarator
      name: (identifier) @name
      value: [(arrow_function) (function_expression) (generator_function)])
    .)) @definition.function

(export_statement
  declaration: (lexical_declaration
    .
    (variable_declarator name: (identifier) @name value: (class))
    .)) @definition.class

; Declarations.
[
  (function_declaration name: (identifier) @name)
  (generator_function_declaration name: (identifier) @name)
] @definition.function

(class_declaration name: (identifier) @name) @definition.class

; `const f = () => {}`: the whole declaration when it declares one name, else the declarator.
[
  (lexical_declaration
    .
    (variable_declarator
      name: (identifier) @name
      value: [(arrow_function) (function_expression) (generator_function)])
    .)
  (variable_declaration
    .
    (variable_declarator
      name: (identifier) @name
      value: [(arrow_function) (function_expression) (generator_function)])
    .)
] @definition.function

(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function

[
  (lexical_declaration
    .
    (variable_declarator name: (identifier) @name value: (class))
    .)
  (variable_declaration
    .
    (variable_declarator name: (identifier) @name value: (class))
    .)
] @definition.class

(variable_declarator name: (identifier) @name value: (class)) @definition.class

; Methods, class fields holding functions, object-literal members holding functions.
(method_definition name: (_) @name) @definition.function

(field_definition
  property: (_) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function

(pair
  key: (property_identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function

; `exports.handler = async () => {}`, `Foo.prototype.bar = function () {}`.
(assignment_expression
  left: [
    (identifier) @name
    (member_expression property: (property_identifier) @name)
  ]
  right: [(arrow_function) (function_expression) (generator_function)]) @definition.function
