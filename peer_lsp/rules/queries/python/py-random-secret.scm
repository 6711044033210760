; random.* producing a value (the check looks where it goes).
(call
  function: (attribute object: (identifier) @module attribute: (identifier) @fn)
  (#eq? @module "random")
  (#any-of? @fn "random" "randint" "randrange" "choice" "choices" "sample" "getrandbits" "randbytes" "uniform")) @report
