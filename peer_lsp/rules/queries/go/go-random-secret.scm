; rand.Int / Intn / Int63 / Read ... (the check makes sure rand is math/rand and looks where
; the value goes).
(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @fn)
  (#eq? @package "rand")
  (#match? @fn "^(Int|Intn|Int31|Int31n|Int63|Int63n|Uint32|Uint64|Float32|Float64|Read|Perm|N|IntN|Int64|Int64N|Uint32N|Uint64N)$")) @report
