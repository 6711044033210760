; Units of C#: namespaces, classes, structs, interfaces, records and enums, and methods, constructors, destructors and local functions with a body.

; `namespace App.Core { ... }` is named `App.Core`; a file-scoped `namespace X;` contains nothing.
(namespace_declaration name: (_) @name) @definition.class

[
  (class_declaration name: (identifier) @name)
  (struct_declaration name: (identifier) @name)
  (interface_declaration name: (identifier) @name)
  (record_declaration name: (identifier) @name)
  (enum_declaration name: (identifier) @name)
] @definition.class

; Abstract, interface and extern methods without a body are not units.
[
  (method_declaration name: (identifier) @name body: (_))
  (constructor_declaration name: (identifier) @name body: (_))
  (destructor_declaration name: (identifier) @name body: (_))
  (local_function_statement name: (identifier) @name body: (_))
] @definition.function
