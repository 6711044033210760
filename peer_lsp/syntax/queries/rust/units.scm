; Units of Rust: functions and methods with a body, and impl blocks, structs, enums, unions, traits and modules (as classes).

(function_item name: (identifier) @name) @definition.function

[
  (struct_item name: (type_identifier) @name)
  (enum_item name: (type_identifier) @name)
  (union_item name: (type_identifier) @name)
  (trait_item name: (type_identifier) @name)
  (mod_item name: (identifier) @name body: (declaration_list))
] @definition.class

; `impl Foo`, `impl<T> Trait for Foo<T>`, `impl fmt::Display for crate::Foo`: a class named `Foo`.
(impl_item
  type: [
    (type_identifier) @name
    (generic_type type: (type_identifier) @name)
    (generic_type type: (scoped_type_identifier name: (type_identifier) @name))
    (scoped_type_identifier name: (type_identifier) @name)
    (reference_type type: (type_identifier) @name)
    (reference_type type: (generic_type type: (type_identifier) @name))
  ]) @definition.class
