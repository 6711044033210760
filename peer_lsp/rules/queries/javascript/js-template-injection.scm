; A template engine compiling or rendering a template (the check wants request input in it).
(call_expression
  function: (member_expression
    object: (identifier) @engine
    property: (property_identifier) @method) @callee
  arguments: (arguments . (_) @report)
  (#match? @engine "^(pug|jade|dot|doT|ejs|nunjucks|lodash|_|handlebars|Handlebars|hbs|mustache|Mustache|Hogan|hogan|Eta|eta|Sqrl|squirrelly|swig|twig|Twig|liquid|Liquid|marko|velocity|vash|haml|hamlet|whiskers)$")
  (#any-of? @method "compile" "render" "renderString" "template" "compileTemplate" "precompile"))
