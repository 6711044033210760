; A template compiled from text built at run time: flask.render_template_string(text),
; jinja2.Template(text), env.from_string(text), mako's Template(text). The check keeps text
; that is interpolated at the call or a local name built from something not constant.
(call
  function: [
    (identifier) @fn
    (attribute attribute: (identifier) @fn)
  ]
  arguments: (argument_list . (_) @template)
  (#any-of? @fn "render_template_string" "from_string" "Template")) @report
