; Loading a pickle: pickle/cPickle/_pickle/dill load(s) and Unpickler.
(call
  function: (attribute object: (identifier) @module attribute: (identifier) @fn)
  (#any-of? @module "pickle" "cPickle" "_pickle" "dill" "cloudpickle")
  (#any-of? @fn "load" "loads" "Unpickler")) @report

; Loaders built on pickle or as unsafe: marshal, shelve, jsonpickle, pandas.read_pickle,
; torch.load (unless weights_only=True) and numpy.load(allow_pickle=True) (the check).
(call
  function: (attribute object: (_) @module attribute: (identifier) @fn)
  (#match? @module "^(marshal|shelve|jsonpickle|jsonpickle\\.unpickler|pandas|pd|torch|numpy|np)$")
  (#any-of? @fn "load" "loads" "open" "decode" "read_pickle")) @report
