; Template autoescaping switched off: jinja2.Environment(autoescape=False) (or a name that only
; holds a false constant) and a Django template context {"autoescape": False}.
(call
  function: [
    (identifier) @fn
    (attribute attribute: (identifier) @fn)
  ]
  arguments: (argument_list
    (keyword_argument name: (identifier) @kw value: (_) @value) @report)
  (#any-of? @fn "Environment" "Template" "SandboxedEnvironment")
  (#eq? @kw "autoescape"))

(pair
  key: (string (string_content) @kw)
  value: (false)
  (#eq? @kw "autoescape")) @report
