; jwt.SigningMethodNone / jwt.UnsafeAllowNoneSignatureType (golang-jwt, dgrijalva/jwt-go).
(selector_expression
  operand: (identifier) @package
  field: (field_identifier) @name
  (#eq? @package "jwt")
  (#any-of? @name "SigningMethodNone" "UnsafeAllowNoneSignatureType")) @report
