; Imports of Rust: `use` declarations, `extern crate`, and `mod name;` (a module in another file).

[
  (use_declaration)
  (extern_crate_declaration)
  (mod_item !body)
] @import
