; parser.ParseUnverified(token, claims) (golang-jwt, dgrijalva/jwt-go): claims read without
; checking the signature (the check wants a JWT import, and no verifying parse in the same
; function, as when the claims only pick the key).
(call_expression
  function: (selector_expression field: (field_identifier) @fn)
  (#eq? @fn "ParseUnverified")) @report
