; os.chmod / Path.chmod / os.makedirs / os.mkdir / os.open with a world-writable mode.
(call
  function: (attribute attribute: (identifier) @fn)
  arguments: (argument_list (integer) @report)
  (#any-of? @fn "chmod" "fchmod" "lchmod" "mkdir" "makedirs"))

(call
  function: (attribute attribute: (identifier) @fn)
  arguments: (argument_list
    (keyword_argument name: (identifier) @kw value: (integer) @report))
  (#any-of? @fn "chmod" "fchmod" "lchmod" "mkdir" "makedirs" "open")
  (#eq? @kw "mode"))
