; Imports of C++: `#include`, `using` declarations and directives, and module imports.

[
  (preproc_include)
  (using_declaration)
  (import_declaration)
] @import
