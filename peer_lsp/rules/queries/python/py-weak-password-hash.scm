; hashlib's fast hashes fed a password (the check looks at the arguments).
(call
  function: (attribute object: (identifier) @module attribute: (identifier) @fn)
  (#eq? @module "hashlib")
  (#any-of? @fn "md5" "sha1" "sha224" "sha256" "sha384" "sha512" "blake2b" "blake2s" "sha3_256" "sha3_512" "new")) @report
