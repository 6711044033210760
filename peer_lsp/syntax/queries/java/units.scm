; Units of Java: classes, interfaces, enums, records and annotation types, and methods and constructors with a body.

[
  (class_declaration name: (identifier) @name)
  (interface_declaration name: (identifier) @name)
  (enum_declaration name: (identifier) @name)
  (record_declaration name: (identifier) @name)
  (annotation_type_declaration name: (identifier) @name)
] @definition.class

; Abstract and interface methods without a body are not units.
[
  (method_declaration name: (identifier) @name body: (block))
  (constructor_declaration name: (identifier) @name)
  (compact_constructor_declaration name: (identifier) @name)
] @definition.function
