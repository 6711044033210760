; yaml.load / load_all without a safe loader, and the explicitly unsafe loaders.
(call
  function: (attribute object: (identifier) @module attribute: (identifier) @fn)
  (#eq? @module "yaml")
  (#any-of? @fn "load" "load_all" "unsafe_load" "unsafe_load_all" "full_load" "full_load_all")) @report
