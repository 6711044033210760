; Units of Ruby: methods and singleton methods (`def self.x` is named `x`), classes and modules (as classes).

[
  (method name: (_) @name)
  (singleton_method name: (_) @name)
] @definition.function

; `class Outer::Inner` is named `Outer::Inner`; `class << self` is not a unit, so its methods
; belong to the enclosing class.
[
  (class name: (_) @name)
  (module name: (_) @name)
] @definition.class
