; tempfile.mktemp() and os.tempnam()/os.tmpnam(): a name, not a file. The check resolves
; import aliases (`from tempfile import mktemp as mt`).
(call
  function: [
    (identifier) @fn
    (attribute attribute: (identifier) @fn)
  ]
  (#any-of? @fn "mktemp" "tempnam" "tmpnam")) @report
