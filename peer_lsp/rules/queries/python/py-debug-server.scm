; app.run(debug=True)
(call
  function: (attribute object: (identifier) @app attribute: (identifier) @fn)
  arguments: (argument_list
    (keyword_argument name: (identifier) @kw value: (true)) @report)
  (#match? @app "^(app|application|flask_app|server)$")
  (#eq? @fn "run")
  (#eq? @kw "debug"))
