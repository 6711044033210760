; crypto.createHash("md5" | "sha1" | "sha256" ...).update(password)
(call_expression
  function: (member_expression
    object: (call_expression
      function: (member_expression property: (property_identifier) @create)
      arguments: (arguments . (string (string_fragment) @algorithm)))
    property: (property_identifier) @update)
  arguments: (arguments . (_) @input)
  (#eq? @create "createHash")
  (#match? @algorithm "^(?i:md5|sha1|sha-1|sha224|sha256|sha384|sha512|ripemd160)$")
  (#eq? @update "update")) @report

; md5(password), sha1(password) from a hashing package
(call_expression
  function: (identifier) @fn
  arguments: (arguments . (_) @input)
  (#any-of? @fn "md5" "sha1" "sha256")) @report
