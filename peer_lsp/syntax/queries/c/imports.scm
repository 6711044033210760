; Imports of C: `#include` directives.

(preproc_include) @import
