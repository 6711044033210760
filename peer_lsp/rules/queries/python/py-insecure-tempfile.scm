; tempfile.mktemp() and os.tempnam()/os.tmpnam(): a name, not a file.
(call
  function: (attribute object: (identifier) @module attribute: (identifier) @fn)
  (#any-of? @module "tempfile" "os")
  (#any-of? @fn "mktemp" "tempnam" "tmpnam")) @report
