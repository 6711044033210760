; { secure: false } / { httpOnly: false } (the check wants it in cookie options: a `cookie:`
; object, or the options of session(), cookieSession() or res.cookie()).
(pair
  key: [(property_identifier) (string)] @flag
  value: (false) @report
  (#match? @flag "^[\"']?(secure|httpOnly)[\"']?$"))
