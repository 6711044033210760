; response.sendRedirect(url)
(method_invocation
  name: (identifier) @api
  arguments: (argument_list . (_) @url .)
  (#eq? @api "sendRedirect")) @report

; response.setHeader("Location", url)
(method_invocation
  name: (identifier) @api
  arguments: (argument_list . (string_literal) @header . (_) @url .)
  (#any-of? @api "setHeader" "addHeader")
  (#match? @header "^\"(?i:location)\"$")) @report

; "redirect:" + url, returned as a Spring view name or passed to a ModelAndView
(binary_expression
  left: (string_literal) @prefix
  right: (_) @url
  (#match? @prefix "^\"redirect:")) @report

(object_creation_expression
  type: (type_identifier) @api
  arguments: (argument_list . (_) @url)
  (#eq? @api "RedirectView")) @report
