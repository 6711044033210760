; Units of PHP: functions, methods with a body, classes, interfaces, traits, enums and braced namespaces (as classes).

(function_definition name: (name) @name) @definition.function

; Abstract and interface methods without a body are not units.
(method_declaration name: (name) @name body: (_)) @definition.function

[
  (class_declaration name: (name) @name)
  (interface_declaration name: (name) @name)
  (trait_declaration name: (name) @name)
  (enum_declaration name: (name) @name)
] @definition.class

; `namespace App\Models { ... }` is named `App\Models`; `namespace App\Models;` contains nothing.
(namespace_definition name: (namespace_name) @name body: (_)) @definition.class
