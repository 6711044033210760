; Imports of Ruby: `require` and `require_relative` calls without a receiver.

(call
  !receiver
  method: (identifier) @_method
  (#any-of? @_method "require" "require_relative")) @import
