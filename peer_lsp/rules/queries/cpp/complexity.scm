; inherits: c
; Decision points C++ adds to C's: range-based for loops and catch clauses.
[
  (for_range_loop)
  (catch_clause)
] @branch
