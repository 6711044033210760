; Loading a pickle: pickle/cPickle/_pickle/dill load(s) and Unpickler.
(call
  function: (attribute object: (identifier) @module attribute: (identifier) @fn)
  (#any-of? @module "pickle" "cPickle" "_pickle" "dill" "cloudpickle")
  (#any-of? @fn "load" "loads" "Unpickler")) @report
